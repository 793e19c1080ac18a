"""Patching the last build's offline index: an edit rewrites only what it changed.

A whole index (offline.whole_index) takes seconds at 10,000 articles: every
record's weights, every postings list encoded, 10,000 documents serialised
and compared with the files already there, though an edit changes one
document. So the build cache keeps, for each document number, the key of
the record it was made from (`record_key`) and its weights; when the last
build's index is in public/ as that build left it, only the documents whose
key changed are worked on:

- the d/ files that hold them are made again; every other one is kept, never read;
- the terms whose weight in them changed have their postings patched in the
  last build's shard file, read back; the other shards are kept, never read;
- docs.js, a few hundred kilobytes, is made again from every record.

The result is byte for byte the whole index of the same records
(tests/test_search_offline.py, tests/test_incremental.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..cache import OfflineDocs, digest
from .offline import (
    DOCS, DOCS_PER_FILE, SHARDS, OfflineIndex, doc_file, doc_files, doc_path, doc_weights, docs_file, pack_weights, patch_postings,
    shard_file, shard_of, shard_path, shard_terms, unpack_weights,
)  # fmt: skip
from .records import Record

# Beyond this share of changed documents (a new article among old ones renumbers
# every later one; a renamed author changes all of theirs), making the index
# whole costs no more than patching it. A few are always patched, so a small
# site's edits take the path a large one's do.
MOST_CHANGED = 1 / 8
FEW_CHANGED = 16


def record_key(basis: str, url: str, article: str) -> str:
    """What a document's file and weights are a function of: its url, the article
    as shown (fingerprint.article_digests), and `basis`, the rest of what the
    search indexes are made from (pagefind.index_basis: the site's digest, our code)."""
    return digest(basis, url, article)


@dataclass(frozen=True)
class Previous:
    """The last build's offline index, when its files are in public/ as it left them."""

    keys: Sequence[str]  # the record key of each document, by number
    weights: Callable[[Iterable[int]], Mapping[int, str]]  # packed weights (offline.pack_weights) of some documents
    shards: frozenset[str]  # the names of its term shards
    folder: Path  # public/


def previous_index(
    folder: Path, files: Iterable[str], keys: Sequence[str], weights: Callable[[Iterable[int]], Mapping[int, str]]
) -> Previous | None:
    """The last build's index from the site paths of its files and the keys the cache
    saved with its documents; None if those are not the same documents."""
    shards, docs = set(), set()
    for file in files:
        if file.startswith(SHARDS):
            shards.add(file.removeprefix(SHARDS).removesuffix(".js"))
        elif file != DOCS:
            docs.add(file)
    if docs != {doc_path(n) for n in range(0, len(keys), DOCS_PER_FILE)}:
        return None
    return Previous(keys, weights, frozenset(shards), folder)


def patch_index(docs: Sequence[Record], keys: Sequence[str], previous: Previous) -> OfflineIndex | None:
    """The offline index of `docs` (in document order; `keys` theirs) as the last
    build's patched, or None where making it whole is as quick or the last one
    cannot be read back."""
    changed = [n for n, key in enumerate(keys) if n >= len(previous.keys) or previous.keys[n] != key]
    gone = range(len(docs), len(previous.keys))
    if len(changed) + len(gone) > max(FEW_CHANGED, MOST_CHANGED * max(len(docs), len(previous.keys))):
        return None
    was = [n for n in changed if n < len(previous.keys)] + list(gone)
    packed = previous.weights(was)
    if len(packed) != len(was):
        return None  # a document the cache does not hold: nothing to patch from
    made = {n: doc_weights(docs[n]) for n in changed}
    moves = _moves({n: unpack_weights(p) for n, p in packed.items()}, {n: _by_key(groups) for n, groups in made.items()})
    shards = set(previous.shards)
    # A file is made again if a document of it changed or is gone (so its documents
    # differ), and only then: a file of unchanged documents holds the same ones.
    remade = sorted(file for file in {n // DOCS_PER_FILE for n in (*changed, *gone)} if file < doc_files(len(docs)))
    files = [doc_file(file, docs) for file in remade]
    for name, terms in sorted(moves.items()):
        patched = _patch_shard(previous, name, terms)
        if patched is None:
            return None
        if patched:
            files.append(shard_file(name, patched))
            shards.add(name)
        else:
            shards.discard(name)
    files.append(docs_file(docs, sorted(shards)))
    redone = set(remade)  # a set: a patch of many documents remakes many of a large archive's files
    kept = [doc_path(file * DOCS_PER_FILE) for file in range(doc_files(len(docs))) if file not in redone]
    kept += [shard_path(name) for name in sorted(previous.shards - moves.keys())]
    return OfflineIndex(files, kept, OfflineDocs(len(docs), {n: (keys[n], pack_weights(made[n])) for n in changed}))


def _moves(old: Mapping[int, Mapping[str, int]], new: Mapping[int, Mapping[str, int]]) -> dict[str, dict[str, dict[int, int]]]:
    """The postings to change, by shard and term: each changed document's new
    weight (0: out) where it differs from its old one."""
    moves: dict[str, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for doc in old.keys() | new.keys():
        before, after = old.get(doc, {}), new.get(doc, {})
        for term in before.keys() | after.keys():
            weight = after.get(term, 0)
            if before.get(term, 0) != weight:
                moves[shard_of(term)][term][doc] = weight
    return moves


def _by_key(groups: list[tuple[int, list[str]]]) -> dict[str, int]:
    return {key: weight for weight, keys in groups for key in keys}


def _patch_shard(previous: Previous, name: str, moves: Mapping[str, Mapping[int, int]]) -> dict[str, str] | None:
    """A shard's terms with `moves` made (empty: none left), or None if the last
    build's file of it cannot be read back."""
    terms: dict[str, str] = {}
    if name in previous.shards:
        try:
            terms = shard_terms((previous.folder / shard_path(name)).read_bytes())
        except (OSError, ValueError, KeyError, TypeError):
            return None
    for term, weights in moves.items():
        terms[term] = patch_postings(terms.get(term, ""), weights)
    return {term: terms[term] for term in sorted(terms) if terms[term]}


__all__ = ["Previous", "previous_index", "patch_index", "record_key"]
