"""A Pagefind 1.5 bundle written by us, in the files Pagefind's own indexer writes.

Why: Pagefind's indexer spent about 6.5 ms of CPU per 4 KB article (half of
it compressing at gzip's best level in one thread), two thirds of a full
build's time and most of an edit's. Our model already holds each article's
text, and the shard's files are a simple function of it, so we write them
here and keep Pagefind for what runs in the reader's browser: its
`pagefind.js`, its WebAssembly search and stemmer, fetched once per build
from the Pagefind service (pagefind.assets). Search behaves as with Pagefind's
indexer: the words are its words (pagefind_words.py) and the files decode to
the same structures as its own (tests/test_pagefind_bundle.py checks both on
real articles).

The files, each gzip'd behind Pagefind's "pagefind_dcd" signature:
- fragment/<lang>_<hash>.pf_fragment: a page's JSON (url, content,
  word_count, filters, meta, anchors);
- index/<lang>_<hash>.pf_index: CBOR [[[word, pages, variants], ...]] for a
  run of words in order; a page is [page number minus the previous one, locs,
  meta locs], where locs are runs of positions, each run a marker
  -(weight + 1) and then each position minus the one before it, and meta
  locs the same with -(field + 1) markers; variants are [[word as written,
  pages], ...] for words written with marks;
- filter/<lang>_<hash>.pf_filter: CBOR [filter, [[value, [page, ...]], ...]];
- pagefind.<lang>_<hash>.pf_meta: CBOR [version, [[fragment hash, word
  count], ...], [[first word, last word, index hash], ...], [[filter, hash],
  ...], [[sort, [page, ...]], ...], [meta field, ...]];
- pagefind-entry.json, naming the metadata.
Names are hashes of the bytes before gzip, so the same records give the same
bytes whatever zlib compresses them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Mapping, Sequence
from functools import partial
from operator import sub
from pathlib import Path
from typing import Any

import cbor2

from ..terms import Memo
from .pagefind_words import FULL, SPELLING, Words, key_of

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
CHUNK_BYTES = 64_000  # CBOR bytes per index file, before gzip: about what Pagefind puts in one
# gzip level 6, not Pagefind's 9: on our bundles 9 saved under 1% of the bytes
# for three times the compression time.
LEVEL = 6


class Assets:
    """Pagefind's browser files for one language, and the facts the data files carry."""

    def __init__(self, files: Mapping[str, bytes], version: str, include: Sequence[str], language: str, wasm: str | None) -> None:
        self.files, self.version, self.include, self.wasm = dict(files), version, list(include), wasm
        self.language = language  # as Pagefind names the index: its files' prefix


def _name(data: bytes, stem: str, taken: set[str], digits: int = 7) -> str:
    full = hashlib.sha256(data).hexdigest()
    while f"{stem}{full[:digits]}" in taken and digits < len(full):
        digits += 1
    name = f"{stem}{full[:digits]}"
    taken.add(name)
    return name


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=LEVEL, mtime=0)  # mtime 0: no build time in the bytes


# The word index is most of a bundle's bytes and of its work: its CBOR is
# written here directly, a page at a time, rather than built as nested lists
# for cbor2 (which took longer than Pagefind's whole indexer).
def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for code, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | code]) + n.to_bytes(size, "big")
    raise ValueError(f"too large for CBOR: {n}")


def _int(n: int) -> bytes:
    return _head(0, n) if n >= 0 else _head(1, -1 - n)


# CBOR of ints and array heads, by the int: the encoder's hot loop is map(_INT.__getitem__, ints).
_INT = Memo(_int)
_array = Memo(partial(_head, 4)).__getitem__


def _text(value: str) -> bytes:
    data = value.encode("utf-8")
    return _head(3, len(data)) + data


_NONE = _array(0)
_PAGE = _array(3)
# Most words of a page are found once, at full weight: their runs, by the position.
_ONCE = Memo(lambda position: _array(2) + _INT[-(FULL + 1)] + _INT[position])


def _runs(found: list[tuple[int, list[int]]]) -> bytes:
    """[(weight or field, its positions in order), ...] as Pagefind's runs, in CBOR:
    per weight, ascending, a marker -(weight + 1), then each position minus the one before."""
    if len(found) == 1:  # nearly always: one spelling, one weight
        weight, positions = found[0]
        if weight == FULL and len(positions) == 1:
            return _ONCE[positions[0]]
        return b"".join([_array(len(positions) + 1), _INT[-(weight + 1)], _INT[positions[0]], *map(_INT.__getitem__, map(sub, positions[1:], positions[:-1]))])
    merged: dict[int, list[int]] = {}
    for weight, positions in found:
        merged.setdefault(weight, []).extend(positions)
    out = []
    for weight in sorted(merged):
        positions = sorted(merged[weight])
        out += [-(weight + 1), positions[0], *map(sub, positions[1:], positions[:-1])]
    return _array(len(out)) + b"".join(map(_INT.__getitem__, out))


def _positions(words: Sequence[str]) -> dict[str, list[int]]:
    at: dict[str, list[int]] = {}
    for position, raw in enumerate(words):
        seen = at.get(raw)
        if seen is None:
            at[raw] = [position]
        else:
            seen.append(position)
    return at


def _sorted_pages(values: list[tuple[str, int]]) -> list[int]:
    """Pages in the order of their sort values: as numbers if every value is one, else as text."""
    try:
        keyed = [(float(v), page) for v, page in values]
    except ValueError:
        return [page for _, page in sorted(values)]
    return [page for _, page in sorted(keyed)]


def write_bundle(fields: Sequence[Mapping[str, Any]], language: str, folder: Path, kit: Assets) -> None:
    """Write the bundle of these records (pagefind.record_fields) into `folder`."""
    words = Words(language, kit.include)
    lang = kit.language
    # By pagefind_words.key_of(stem, word as written if it had marks): [[each page's
    # CBOR], the last page, bytes so far].
    postings: dict[str, list] = {}
    field_names = sorted({name for item in fields for name in item["meta"]})
    pages: list[list] = []
    filters: dict[str, dict[str, list[int]]] = {}
    sorts: dict[str, list[tuple[str, int]]] = {}
    taken: set[str] = set()
    for dir_name in ("fragment", "index", "filter"):
        (folder / dir_name).mkdir(parents=True, exist_ok=True)
    for item in fields:
        content_text = item["content"]
        if "\u200b" in content_text:  # zero-width spaces are not text: a word of nothing else is no word
            written = [w for w in (raw.replace("\u200b", "") for raw in content_text.split()) if w]
        else:
            written = content_text.split()
        if not written:
            continue  # Pagefind drops a record without text
        page = len(pages)
        meta: dict[str, list[tuple[int, list[int]]]] = {}
        for field, name in enumerate(field_names):
            for raw, positions in _positions((item["meta"].get(name) or "").split()).items():
                for key, _ in words.keyed(raw):
                    meta.setdefault(key, []).append((field, positions))
        meta_codes = {key: _runs(found) for key, found in meta.items()}
        content: dict[str, list[tuple[int, list[int]]]] = {}
        for raw, positions in _positions(written).items():
            for key, weight in words.keyed(raw):
                found = content.get(key)
                if found is None:
                    content[key] = [(weight, positions)]
                else:
                    found.append((weight, positions))
        for key in meta_codes.keys() - content.keys():  # words only the meta has
            content[key] = []
        # Each word's entry for this page: [page minus its last page, locs, meta locs].
        # Inline rather than a function: this runs some 350 times a page.
        for key, found in content.items():
            target = postings.get(key)
            if target is None:
                target = postings[key] = [[], 0, 0]
            code = b"".join((_PAGE, _INT[page - target[1]], _runs(found) if found else _NONE, meta_codes.get(key, _NONE)))
            target[0].append(code)
            target[1] = page
            target[2] += len(code)
        fragment = {
            "url": item["url"],
            "content": " ".join(written),
            "word_count": len(written),
            "filters": dict(sorted(item["filters"].items())),
            "meta": dict(sorted(item["meta"].items())),
            "anchors": [],
        }
        data = SIGNATURE + json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        name = _name(data, f"{lang}_", taken)
        (folder / "fragment" / f"{name}.pf_fragment").write_bytes(_gzip(data))
        pages.append([name, len(written)])
        for filter_name, values in item["filters"].items():
            for value in values:
                filters.setdefault(filter_name, {}).setdefault(value, []).append(page)
        for sort_name, value in item.get("sort", {}).items():
            sorts.setdefault(sort_name, []).append((value, page))

    chunks = _write_index(postings, lang, folder, taken)
    filter_files = []
    for filter_name in sorted(filters):
        values = [[value, filters[filter_name][value]] for value in sorted(filters[filter_name])]
        data = SIGNATURE + cbor2.dumps([filter_name, values])
        name = _name(data, f"{lang}_", taken)
        (folder / "filter" / f"{name}.pf_filter").write_bytes(_gzip(data))
        filter_files.append([filter_name, name])
    meta = [kit.version, pages, chunks, filter_files, [[s, _sorted_pages(sorts[s])] for s in sorted(sorts)], field_names]
    data = SIGNATURE + cbor2.dumps(meta)
    meta_name = _name(data, f"pagefind.{lang}_", taken, 10).removeprefix("pagefind.")
    (folder / f"pagefind.{meta_name}.pf_meta").write_bytes(_gzip(data))
    entry = {"version": kit.version, "languages": {lang: {"hash": meta_name, "wasm": kit.wasm, "page_count": len(pages)}}, "include_characters": kit.include}
    (folder / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    for path, content in kit.files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)


def _code(found: list) -> bytes:
    return _array(len(found[0])) + b"".join(found[0])


def _write_index(postings: dict[str, list], lang: str, folder: Path, taken: set[str]) -> list[list[str]]:
    """The words in order, in files of about CHUNK_BYTES; their [from, to, hash]."""
    spellings: dict[str, list[str]] = {}
    for key in postings:
        stem, _, as_written = key.partition(SPELLING)
        found = spellings.setdefault(stem, [])
        if as_written:
            found.append(as_written)
    chunks: list[tuple[str, str, list[bytes]]] = []
    current: list[bytes] = []
    first = ""
    size = 0
    for stem in sorted(spellings):
        main = postings.get(stem)
        variants = sorted(spellings[stem])
        parts = [_PAGE, _text(stem), _code(main) if main else _NONE, _array(len(variants))]
        size += main[2] if main else 0
        for as_written in variants:
            found = postings[key_of(stem, as_written)]
            parts += [_array(2), _text(as_written), _code(found)]
            size += found[2]
        if not current:
            first = stem
        current.append(b"".join(parts))
        if size >= CHUNK_BYTES:
            chunks.append((first, stem, current))
            current, size = [], 0
    if current:
        chunks.append((first, stem, current))
    bounds = [[a, b] for a, b, _ in chunks]
    for left, right in zip(bounds, bounds[1:]):
        # Each boundary is cut to the shortest prefixes that still tell the two
        # words apart: Pagefind's search picks a file by comparing the query with them.
        a, b = left[1], right[0]
        common = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        left[1], right[0] = a[: common + 1], b[: common + 1]
    out = []
    for (low, high), (_, _, words) in zip(bounds, chunks):
        data = b"".join([SIGNATURE, _array(1), _array(len(words)), *words])
        name = _name(data, f"{lang}_", taken)
        (folder / "index" / f"{name}.pf_index").write_bytes(_gzip(data))
        out.append([low, high, name])
    return out


__all__ = ["Assets", "write_bundle", "ENTRY", "SIGNATURE"]
