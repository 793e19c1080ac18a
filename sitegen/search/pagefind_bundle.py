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
names whatever compresses them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import cbor2
import deflate
import orjson

from .pagefind_postings import Occurrences, Postings
from .pagefind_words import SPELLING, Words

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
CHUNK_BYTES = 64_000  # CBOR bytes per index file, before gzip: about what Pagefind puts in one
# gzip by libdeflate, not zlib: on the 10,000-article bench's bundles it took
# 0.28 s of CPU against zlib's 0.79 s for 3,000 fragments at level 6 (within 1% of
# the bytes), and 0.47 s against 1.27 s for the word index at level 5, in 1.3% fewer
# bytes. Level 6, not Pagefind's 9: 9 saves under 1% of the bytes for several times
# the time. The word index at 5: under 1% more bytes than at 6, for three quarters
# of the time (on fragments 5 saves none).
LEVEL = 6
INDEX_LEVEL = 5
# Pages whose words are put in the word index at once: its arrays take some
# 40 MB per 400 pages, so a shard's memory does not grow with the shard.
BATCH_PAGES = 400


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


def _gzip(data: bytes, level: int = LEVEL) -> bytes:
    return deflate.gzip_compress(data, level)  # its header's mtime is 0: no build time in the bytes


# The word index is most of a bundle's bytes and of its work: its CBOR is
# written directly (postings by pagefind_postings, the rest here) rather than
# built as nested lists for cbor2, which took longer than Pagefind's whole indexer.
def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for code, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | code]) + n.to_bytes(size, "big")
    raise ValueError(f"too large for CBOR: {n}")


def _text(value: str) -> bytes:
    data = value.encode("utf-8")
    return _head(3, len(data)) + data


_NONE = _head(4, 0)
_PAGE = _head(4, 3)


def _holds(path: Path, data: bytes) -> bool:
    """Whether `path` holds `data` (as `_gzip` wrote it).

    A name is a short hash, so the bytes decide: decompressing costs a tenth of compressing."""
    try:
        # Python's gzip, not libdeflate's: it trusts no size the file's trailer claims.
        return gzip.decompress(path.read_bytes()) == data
    except (OSError, EOFError, zlib.error):  # none, or damaged: made again
        return False


def _sorted_pages(values: list[tuple[str, int]]) -> list[int]:
    """Pages in the order of their sort values: as numbers if every value is one, else as text."""
    try:
        keyed = [(float(v), page) for v, page in values]
    except ValueError:
        return [page for _, page in sorted(values)]
    return [page for _, page in sorted(keyed)]


class Bundle(NamedTuple):
    """A bundle's files by their names in its folder: those written there, and those
    left in the last build's folder of it (`kept`)."""

    written: list[str]
    kept: list[str]


def write_bundle(fields: Sequence[Mapping[str, Any]], language: str, folder: Path, kit: Assets, earlier: Path | None = None) -> Bundle:
    """Write the bundle of these records (pagefind.record_fields) into `folder`.

    `earlier`, the same bundle as the last build wrote it: a page's fragment
    found there with the same bytes is not written, but named among those
    `kept`, for the caller to keep that file as it is. The names written are
    given too, so that no one lists the folder's ~1,300 files of a shard again. An edit
    rewrites a shard of up to 2,500 pages for one of them: writing the others
    again only for the build to find them unchanged and delete them cost it
    ~1,300 files created, compared and deleted at 10,000 articles."""
    words = Words(language, kit.include)
    lang = kit.language
    field_names = sorted({name for item in fields for name in item["meta"]})
    found = Postings(words)
    in_text, in_meta, batch = Occurrences(), Occurrences(), 0  # the pages from `batch` on, not yet in `found`
    pages: list[list] = []
    filters: dict[str, dict[str, list[int]]] = {}
    sorts: dict[str, list[tuple[str, int]]] = {}
    taken: set[str] = set()
    written_files: list[str] = []
    kept: list[str] = []
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
        if page - batch == BATCH_PAGES:
            found.add(in_text, in_meta, batch, page - batch)
            in_text, in_meta, batch = Occurrences(), Occurrences(), page
        in_text.add(page, written)
        for field, name in enumerate(field_names):
            in_meta.add(page, (item["meta"].get(name) or "").split(), field)
        fragment = {
            "url": item["url"],
            "content": " ".join(written),
            "word_count": len(written),
            "filters": dict(sorted(item["filters"].items())),
            "meta": dict(sorted(item["meta"].items())),
            "anchors": [],
        }
        data = SIGNATURE + orjson.dumps(fragment)
        name = _name(data, f"{lang}_", taken)
        file = f"fragment/{name}.pf_fragment"
        if earlier is not None and _holds(earlier / file, data):
            kept.append(file)
        else:
            (folder / file).write_bytes(_gzip(data))
            written_files.append(file)
        pages.append([name, len(written)])
        for filter_name, values in item["filters"].items():
            for value in values:
                filters.setdefault(filter_name, {}).setdefault(value, []).append(page)
        for sort_name, value in item.get("sort", {}).items():
            sorts.setdefault(sort_name, []).append((value, page))

    found.add(in_text, in_meta, batch, len(pages) - batch)
    chunks = _write_index(found, lang, folder, taken)
    written_files += [f"index/{name}.pf_index" for _, _, name in chunks]
    filter_files = []
    for filter_name in sorted(filters):
        values = [[value, filters[filter_name][value]] for value in sorted(filters[filter_name])]
        data = SIGNATURE + cbor2.dumps([filter_name, values])
        name = _name(data, f"{lang}_", taken)
        (folder / "filter" / f"{name}.pf_filter").write_bytes(_gzip(data))
        written_files.append(f"filter/{name}.pf_filter")
        filter_files.append([filter_name, name])
    meta = [kit.version, pages, chunks, filter_files, [[s, _sorted_pages(sorts[s])] for s in sorted(sorts)], field_names]
    data = SIGNATURE + cbor2.dumps(meta)
    meta_name = _name(data, f"pagefind.{lang}_", taken, 10).removeprefix("pagefind.")
    (folder / f"pagefind.{meta_name}.pf_meta").write_bytes(_gzip(data))
    written_files.append(f"pagefind.{meta_name}.pf_meta")
    entry = {"version": kit.version, "languages": {lang: {"hash": meta_name, "wasm": kit.wasm, "page_count": len(pages)}}, "include_characters": kit.include}
    (folder / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    for path, content in kit.files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content)
    return Bundle([*written_files, ENTRY, *kit.files], kept)


def _write_index(found: Postings, lang: str, folder: Path, taken: set[str]) -> list[list[str]]:
    """The words in order, in files of about CHUNK_BYTES; their [from, to, hash]."""
    spellings: dict[str, list[tuple[str, int]]] = {}  # stem: [(as written, key number), ...]
    mains: dict[str, int] = {}
    for number, key in enumerate(found.keys):
        stem, _, as_written = key.partition(SPELLING)
        variants = spellings.setdefault(stem, [])
        if as_written:
            variants.append((as_written, number))
        else:
            mains[stem] = number
    chunks: list[tuple[str, str, list[bytes]]] = []
    current: list[bytes] = []
    first = ""
    size = 0
    for stem in sorted(spellings):
        main = mains.get(stem)
        variants = sorted(spellings[stem])
        parts = [_PAGE, _text(stem)]
        if main is None:
            parts.append(_NONE)
        else:
            entries, code = found.code(main)
            parts += [_head(4, entries), code]
            size += len(code)
        parts.append(_head(4, len(variants)))
        for as_written, number in variants:
            entries, code = found.code(number)
            parts += [_head(4, 2), _text(as_written), _head(4, entries), code]
            size += len(code)
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
        data = b"".join([SIGNATURE, _head(4, 1), _head(4, len(words)), *words])
        name = _name(data, f"{lang}_", taken)
        (folder / "index" / f"{name}.pf_index").write_bytes(_gzip(data, INDEX_LEVEL))
        out.append([low, high, name])
    return out


__all__ = ["Assets", "Bundle", "write_bundle", "ENTRY", "SIGNATURE"]
