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

import functools
import itertools
import json
import operator
from array import array
from collections import Counter, defaultdict, deque
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


@functools.lru_cache(maxsize=4096)
def _name_keys(authors: tuple[str, ...]) -> Counter[str]:
    """The keys of a byline's names: an archive repeats its bylines, so each is keyed once."""
    return key_counts(words(" ".join(authors)))


def _weights(record: Record) -> list[tuple[int, list[str]]]:
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
            # Millions of postings: appended by C-level maps, not a Python loop per key.
            deque(map(array.extend, map(postings.__getitem__, keys), itertools.repeat((doc, weight))), maxlen=0)
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
