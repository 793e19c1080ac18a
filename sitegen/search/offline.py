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
- `search-index/d/<n>.js`: one article's title, url, date, authors and
  text, loaded only for the results shown (the excerpt is cut in the page).

Shards are named by their letters' code points, so file names stay ASCII.
The index is a pure function of the records: two builds write the same bytes.
"""

from __future__ import annotations

import json
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence

from ..terms import unpack_counts
from .normalize import words
from .prepare import key_counts
from .records import Record

FOLDER = "search-index/"
SHARD_CHARS = 2  # a key's first letters name its shard; prefix queries stay in one
BASE = 36


def shard_of(term: str) -> str:
    return "-".join(f"{ord(c):x}" for c in term[:SHARD_CHARS])


def _script(payload: object) -> bytes:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # "</" cannot end a script early; U+2028/9 are JSON but were not always JS.
    data = data.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.__sitegenSearch=window.__sitegenSearch||[];window.__sitegenSearch.push({data});\n".encode("utf-8")


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


def _b36(n: int) -> str:
    return _SHORT[n] if n < len(_SHORT) else _b36_long(n)


def encode_postings(postings: Sequence[int]) -> str:
    """Ascending docs with their weights, flat (doc, weight, doc, weight, …), as
    "gap[.weight],…" in base 36; weight 1 omitted."""
    docs = postings[0::2]
    gaps = [doc - last for doc, last in zip(docs, [0, *docs[:-1]])]
    b36 = _b36
    return ",".join(
        b36(gap) if weight == 1 else f"{b36(gap)}.{b36(weight)}" for gap, weight in zip(gaps, postings[1::2])
    )


def _weights(record: Record) -> list[tuple[int, list[str]]]:
    """(weight, keys) of one record: its prepared title and text keys, and its
    authors' names, which are searchable on the web too (Pagefind indexes meta)."""
    groups = unpack_counts(record.keys)
    if not record.authors:
        return groups
    named = key_counts(words(" ".join(record.authors)))
    merged: dict[int, list[str]] = {}
    for weight, keys in groups:
        for k in keys:
            w = weight + named.pop(k, 0)
            merged.setdefault(w, []).append(k)
    for k, n in named.items():
        merged.setdefault(n, []).append(k)
    return list(merged.items())


def offline_files(records: Sequence[Record]) -> Iterator[tuple[str, bytes]]:
    """(site path, bytes) of every offline index file."""
    # Flat arrays of machine ints: an archive has tens of millions of postings, and
    # a tuple each would take gigabytes.
    postings: dict[str, array[int]] = defaultdict(lambda: array("I"))
    authors: dict[str, int] = {}
    topics: dict[str, int] = {}
    years, order, by_author, by_topic = [], [], [], []
    # Documents are numbered oldest first, so a new article takes the next number and
    # the files of every older one (d/<n>.js) stay as they were.
    ordered = sorted(records, key=lambda r: (r.sort, r.url))
    for doc, record in enumerate(ordered):
        for weight, keys in _weights(record):
            for term in keys:
                postings[term].extend((doc, weight))
        years.append(record.year)
        order.append(doc if record.year else -1)  # date order; undated are shown last
        by_author.append(".".join(_b36(authors.setdefault(a, len(authors))) for a in record.authors))
        by_topic.append(".".join(_b36(topics.setdefault(t, len(topics))) for t in record.topics))
        yield f"{FOLDER}d/{_b36(doc)}.js", _script(
            {"doc": doc, "url": record.url, "title": record.title, "date": record.date,
             "authors": list(record.authors), "lang": record.lang, "text": record.text}
        )  # fmt: skip
    shards: dict[str, dict[str, str]] = defaultdict(dict)
    for term in sorted(postings):
        shards[shard_of(term)][term] = encode_postings(postings[term])
    for name, terms in sorted(shards.items()):
        yield f"{FOLDER}t/{name}.js", _script({"shard": name, "terms": terms})
    yield f"{FOLDER}docs.js", _script(
        {"docs": {"count": len(records), "year": years, "order": order, "author": by_author, "topic": by_topic},
         "authors": list(authors), "topics": list(topics), "shards": sorted(shards), "shardChars": SHARD_CHARS}
    )  # fmt: skip
