"""The offline index: search from disk (file://), where Pagefind cannot load.

Browsers block module imports and fetch on file://, but classic <script>
tags still load. So every file here is a script that hands its data to
`window.__sitegenSearch.push(...)`, and the search page adds the tags it
needs, on demand:

- `search-index/docs.js`: loaded first; per article its year, date order,
  author and topic numbers (for facets and sorting), the names, and the list
  of term shards that exist.
- `search-index/t/<shard>.js`: postings of every key that starts with the
  same two letters (keys from normalize.key); a query loads one per word.
- `search-index/d/<n>.js`: the title, url, date, authors and text of
  DOCS_PER_FILE articles in a row (documents n * DOCS_PER_FILE on), loaded
  only for the results shown (the excerpt is cut in the page).

Shards are named by their letters' code points, so file names stay ASCII.
The index is a pure function of the records: two builds write the same bytes.
An edit patches the last build's index instead of making it whole
(offline_patch.py); `whole_index` gives what that patch must equal.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
import re
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..cache import OfflineDocs
from ..terms import unpack_counts
from .normalize import words
from .prepare import key_counts
from .records import Record

FOLDER = "search-index/"
SHARDS = f"{FOLDER}t/"
DOCS = f"{FOLDER}docs.js"
SHARD_CHARS = 2  # a key's first letters name its shard; prefix queries stay in one
# Documents a d/ file holds. One each was 10,000 files at 10,000 articles, a third of
# the site's; 8 make a page of results load at most 10 files of some 8 x 2-8 KB from
# disk, and an edit rewrite one file of 8 documents, as it rewrote one of one.
DOCS_PER_FILE = 8
BASE = 36


def shard_of(term: str) -> str:
    return "-".join(f"{ord(c):x}" for c in term[:SHARD_CHARS])


def _script(*payloads: object) -> bytes:
    """A script that hands each payload to the search page, in order."""
    # json, not orjson as elsewhere: with orjson making these files, which the index
    # holds until it is placed, the build's peak RSS rose from 639 to 711 MB at
    # 10,000 articles and from 5,275 to ~6,000 MB at 100,000 (json: 634 MB). The JSON
    # costs ~0.4 CPU-s more at 10,000, beside Pagefind's writers.
    pushes = []
    for payload in payloads:
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        # "</" cannot end a script early; U+2028/9 are JSON but were not always JS.
        data = data.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        pushes.append(f"window.__sitegenSearch.push({data});")
    return f"window.__sitegenSearch=window.__sitegenSearch||[];{''.join(pushes)}\n".encode("utf-8")


def _b36_long(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, BASE)
        out = digits[r] + out
        if not n:
            return out


# Gaps and weights are nearly all small: a table lookup, not a division loop, for each.
_SHORT = [_b36_long(n) for n in range(BASE**3)]
# A weight's suffix: none for 1, the common case, else "." and the weight.
_SUFFIX = ["", "", *(f".{_SHORT[n]}" for n in range(2, BASE**2))]


def _b36(n: int) -> str:
    return _SHORT[n] if n < len(_SHORT) else _b36_long(n)


def encode_postings(postings: Sequence[int]) -> str:
    """Ascending docs with their weights, flat (doc, weight, doc, weight, …), as
    "gap[.weight],…" in base 36; weight 1 omitted."""
    docs, weights = postings[0::2], postings[1::2]
    gaps = list(map(operator.sub, docs, itertools.chain((0,), docs)))
    # An archive has millions of postings: these maps run at C speed, and only a
    # gap or weight beyond the tables takes the slow path.
    short = _SHORT.__getitem__ if max(gaps) < len(_SHORT) else _b36
    suffix = _SUFFIX.__getitem__ if max(weights) < len(_SUFFIX) else _suffix
    return ",".join(map(str.__add__, map(short, gaps), map(suffix, weights)))


def _suffix(weight: int) -> str:
    return "" if weight == 1 else f".{_b36(weight)}"


_WEIGHT_RE = re.compile(r"\.[0-9a-z]+")  # an item's weight, after its gap


def patch_postings(encoded: str, weights: Mapping[int, int]) -> str:
    """Postings as `encode_postings` writes them, with the weight of some documents
    set (0: taken out); "" when none is left.

    A term of a large archive is in thousands of documents, and an edit changes
    one: the other documents' items are kept as they are (split and joined at C
    speed, only their gaps read), and only the gap of the item after a document
    put in or taken out is written again.
    """
    if not encoded:
        flat = [x for doc in sorted(weights) if weights[doc] for x in (doc, weights[doc])]
        return encode_postings(flat) if flat else ""
    items = encoded.split(",")
    gaps = _WEIGHT_RE.sub("", encoded).split(",") if "." in encoded else items
    docs = list(itertools.accumulate(map(int, gaps, itertools.repeat(BASE))))
    # From the last document back, so that the positions of the earlier ones stay.
    for doc in sorted(weights, reverse=True):
        weight, at = weights[doc], bisect_left(docs, doc)
        there = at < len(docs) and docs[at] == doc
        if there and weight:
            items[at] = items[at].partition(".")[0] + _suffix(weight)
            continue
        if there:
            del docs[at], items[at]
        elif weight:
            docs.insert(at, doc)
            items.insert(at, _b36(doc - (docs[at - 1] if at else 0)) + _suffix(weight))
            at += 1
        else:
            continue
        if at < len(docs):  # the next document's gap is now from another one
            _, dot, rest = items[at].partition(".")
            items[at] = _b36(docs[at] - (docs[at - 1] if at else 0)) + dot + rest
    return ",".join(items)


@functools.lru_cache(maxsize=4096)
def _name_keys(authors: tuple[str, ...]) -> Counter[str]:
    """The keys of a byline's names: an archive repeats its bylines, so each is keyed once."""
    return key_counts(words(" ".join(authors)))


def doc_weights(record: Record) -> list[tuple[int, list[str]]]:
    """(weight, keys) of one record: its prepared title and text keys, and its
    authors' names, which are searchable on the web too (Pagefind indexes meta)."""
    groups = unpack_counts(record.keys)
    if not record.authors:
        return groups
    named = _name_keys(record.authors)
    # A substring test first: most of a name's keys are no word of the text, and need no search.
    inside = [k for k in named if k in record.keys]
    extra = [(n, [k]) for k, n in named.items() if k not in inside]
    if inside:
        found: dict[str, int] = {}
        for i, (weight, keys) in enumerate(groups):
            hits = [k for k in inside if k in keys]
            if hits:
                groups[i] = (weight, [k for k in keys if k not in hits])
                found.update((k, weight) for k in hits)
        extra += [(found.get(k, 0) + named[k], [k]) for k in inside]
    return groups + extra


@dataclass
class OfflineIndex:
    """An offline index as a build places it."""

    # (site path, bytes) of the files made this time; made as they are read, for a
    # whole index (its documents are 80 MB at 10,000 articles).
    files: Iterable[tuple[str, bytes]]
    kept: list[str]  # site paths of the last build's files that it keeps as they are
    docs: OfflineDocs  # what the build cache keeps of its documents, for the next patch


def ordered(records: Iterable[Record]) -> list[Record]:
    """Records in document order: oldest first, so a new article takes the next
    number and the files of every older one (d/<n>.js) stay as they were."""
    return sorted(records, key=lambda r: (r.sort, r.url))


def doc_path(doc: int) -> str:
    """The file that holds a document."""
    return f"{FOLDER}d/{_b36(doc // DOCS_PER_FILE)}.js"


def shard_path(name: str) -> str:
    return f"{SHARDS}{name}.js"


def doc_file(file: int, docs: Sequence[Record]) -> tuple[str, bytes]:
    """The `file`th d/ file of documents `docs` (all of them, in document order)."""
    first = file * DOCS_PER_FILE
    return doc_path(first), _script(*(
        {"doc": doc, "url": record.url, "title": record.title, "date": record.date,
         "authors": list(record.authors), "lang": record.lang, "text": record.text}
        for doc, record in enumerate(docs[first : first + DOCS_PER_FILE], first)
    ))  # fmt: skip


def doc_files(count: int) -> int:
    """How many d/ files `count` documents take."""
    return -(-count // DOCS_PER_FILE)


def shard_file(name: str, terms: dict[str, str]) -> tuple[str, bytes]:
    """A term shard: `terms` (sorted) with their encoded postings."""
    return shard_path(name), _script({"shard": name, "terms": terms})


def shard_terms(data: bytes) -> dict[str, str]:
    """The terms of a shard file (`shard_file`) and their encoded postings, read back."""
    text = data.decode("utf-8")
    head, tail = _script(None).decode("utf-8").split("null")
    if not (text.startswith(head) and text.endswith(tail)):
        raise ValueError("not a shard file")
    return json.loads(text[len(head) : -len(tail)])["terms"]


def docs_file(records: Sequence[Record], shards: Sequence[str]) -> tuple[str, bytes]:
    """docs.js of records in document order, with the names of the shards there are."""
    authors: dict[str, int] = {}
    topics: dict[str, int] = {}
    years, order, by_author, by_topic = [], [], [], []
    for doc, record in enumerate(records):
        years.append(record.year)
        order.append(doc if record.year else -1)  # date order; undated are shown last
        by_author.append(".".join(_b36(authors.setdefault(a, len(authors))) for a in record.authors))
        by_topic.append(".".join(_b36(topics.setdefault(t, len(topics))) for t in record.topics))
    return DOCS, _script(
        {"docs": {"count": len(records), "year": years, "order": order, "author": by_author, "topic": by_topic},
         "authors": list(authors), "topics": list(topics), "shards": sorted(shards), "shardChars": SHARD_CHARS,
         "docsPerFile": DOCS_PER_FILE}
    )  # fmt: skip


def pack_weights(groups: Iterable[tuple[int, list[str]]]) -> str:
    """A document's (weight, keys) groups (`doc_weights`) as one string, a line a group:
    what the build cache keeps of every document."""
    return "\n".join(f"{weight} {' '.join(keys)}" for weight, keys in groups if keys)


def unpack_weights(packed: str) -> dict[str, int]:
    """The weight of each key of a `pack_weights` string."""
    found: dict[str, int] = {}
    for line in filter(None, packed.split("\n")):
        weight, _, keys = line.partition(" ")
        found.update(dict.fromkeys(keys.split(" "), int(weight)))
    return found


def whole_index(records: Iterable[Record], keys: Mapping[str, str]) -> OfflineIndex:
    """Every file of the offline index, made from the records alone; `keys`: each
    record's key by url, kept in the cache with its document (offline_patch.py)."""
    docs = ordered(records)
    postings = _Postings()
    rows: dict[int, tuple[str, str]] = {}
    for doc, record in enumerate(docs):
        groups = doc_weights(record)
        for weight, terms in groups:
            postings.add(doc, weight, terms)
        # Packed (~2 KB a document): the groups' lists of strings would take ~20 times that.
        rows[doc] = (keys.get(record.url, ""), pack_weights(groups))
    return OfflineIndex(_whole_files(docs, postings), [], OfflineDocs(len(docs), rows))


class _Postings:
    """Every (term, document, weight) of an index, in flat arrays of machine ints: an
    archive has tens of millions of postings, and a tuple each would take gigabytes.
    Filled a group of terms at a time: the terms' numbers by one C-level map, the
    group's document and weight once (a row); encoded a batch of terms at a time."""

    def __init__(self) -> None:
        self.numbers: defaultdict[str, int] = defaultdict()
        self.numbers.default_factory = self.numbers.__len__  # numbered in order of first sight
        self.terms = array("i")
        self.groups = array("i")  # doc, weight, number of terms: a row a group

    def add(self, doc: int, weight: int, terms: list[str]) -> None:
        self.terms.extend(map(self.numbers.__getitem__, terms))
        self.groups.extend((doc, weight, len(terms)))

    def encoded(self) -> Iterator[tuple[str, str]]:
        """(term, `encode_postings` of its postings), in term order.

        A batch of terms at a time, found by scanning the postings: one sort of them
        all would hold ~28 bytes a posting at once (~85 MB at 10,000 articles, while
        the shards are written), a string an item ~55 more; this holds ~4 (the
        terms' ranks) beside a batch's. The postings can be read only once."""
        if not self.terms:
            return
        names = sorted(self.numbers)
        rank = np.empty(len(names), dtype=np.int32)  # each term number's place in term order
        rank[np.fromiter(map(self.numbers.__getitem__, names), dtype=np.int64, count=len(names))] = np.arange(len(names), dtype=np.int32)
        ranks = rank[np.frombuffer(self.terms, dtype=np.int32)]
        del rank
        self.terms = array("i")  # read once: the ranks stand for them now
        group_docs, group_weights, sizes = np.frombuffer(self.groups, dtype=np.int32).reshape(-1, 3).T
        group_ends = np.cumsum(sizes)  # a posting's group: the first whose end is past it
        per_term = np.bincount(ranks, minlength=len(names))  # every term has a posting
        ends = np.cumsum(per_term)
        batch = max(_ENCODE_BATCH, len(ranks) // 16)
        short, suffix = np.array(_SHORT, dtype=object), np.array(_SUFFIX, dtype=object)
        first = 0
        while first < len(names):
            done = int(ends[first - 1]) if first else 0
            last = min(max(int(np.searchsorted(ends, done + batch, side="right")), first + 1), len(names))
            at = np.flatnonzero((ranks >= first) & (ranks < last))  # in document order
            at = at[np.argsort(ranks[at], kind="stable")]  # stable: each term's documents stay ascending
            groups = np.searchsorted(group_ends, at, side="right")
            docs, weights = group_docs[groups], group_weights[groups]
            bounds = np.concatenate([[0], np.cumsum(per_term[first:last])])
            gaps = docs.copy()
            gaps[1:] -= docs[:-1]
            gaps[bounds[:-1]] = docs[bounds[:-1]]
            items = _strings(gaps, short, _b36) + _strings(weights, suffix, _suffix)
            cuts = bounds.tolist()
            for n in range(last - first):
                yield names[first + n], ",".join(items[cuts[n] : cuts[n + 1]].tolist())
            first = last


_ENCODE_BATCH = 1 << 18  # postings encoded at once, at least (`_Postings.encoded`)


def _strings(values: np.ndarray, table: np.ndarray, slow: Callable[[int], str]) -> np.ndarray:
    """Each value's string, as an object array: from a table of the common ones, else `slow`."""
    beyond = np.flatnonzero(values >= len(table))
    if not len(beyond):
        return table[values]
    found = table[np.minimum(values, len(table) - 1)]
    found[beyond] = [slow(v) for v in values[beyond].tolist()]
    return found


def _whole_files(docs: Sequence[Record], postings: _Postings) -> Iterator[tuple[str, bytes]]:
    yield from (doc_file(file, docs) for file in range(doc_files(len(docs))))
    shards: dict[str, dict[str, str]] = defaultdict(dict)
    for term, encoded in postings.encoded():
        shards[shard_of(term)][term] = encoded
    yield from itertools.starmap(shard_file, sorted(shards.items()))
    yield docs_file(docs, list(shards))
