"""Related articles updated, not computed again, after a few articles' terms changed.

An edit that touches an article's title, summary or opening changes its terms,
and with them the key of the saved lists, so every list would be computed again:
over the whole archive, most of an edit's time. Yet the lists of most articles
cannot have changed, and which can is known exactly:

- Document frequencies change only for the terms the edited articles gained or
  lost (`moved`), so only the articles that have such a term, and the edited
  ones, get new vectors (`revector`): every other vector, computed from its own
  terms and the idf of each, is bit for bit what it was.
- An article's list reads its own vector, the term lists (postings) of its own
  heaviest terms (their lengths order and bound its walk; its text scores are
  the products the walk meets), and tags and dates, which an update requires
  unchanged (`Inputs.frame`). A changed vector changes exactly the postings of
  the terms it held before or holds now; the articles on those lists, where
  either build walks them, are the ones whose lists are made again
  (`_affected`). The others keep theirs.

The result equals `related.relate_all` on the new library; tests compare them
over random edits. Anything this cannot vouch for (other articles, dates, tags
or code; a basis that does not match the saved lists or the previous terms; too
many changes) returns None, and the lists are computed afresh.
"""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import related as related_mod
from .content.model import Library
from .related import (
    Inputs,
    TermTables,
    _Index,
    _Lists,
    _relate_block,
    _spread,
    _relate,
    _vectors,
    make_index,
    term_digest,
)

MAX_CHANGED = 32  # articles whose terms changed; past this, the lists are computed afresh
AFRESH_SHARE = 0.25  # of the archive needing new vectors; past this, too
_GAP = 16  # ranks to relate again this close are related in one block, with the ranks between
_FORMAT = 1


@dataclass(frozen=True)
class Basis:
    """The last lists' making: its inputs and term tables, saved with the lists."""

    inputs: Inputs
    tables: TermTables


def update(
    library: Library,
    inputs: Inputs,
    basis: Basis | None,
    previous_terms: Mapping[str, str],
    lists: Mapping[str, tuple[str, ...]] | None,
    limit: int,
) -> tuple[dict[str, tuple[str, ...]], TermTables] | None:
    """The lists `related.relate_all(library, limit)` would make, and its tables,
    from the last ones (`basis`, and the `lists` saved with it); None when the
    change is not one this can follow. `previous_terms`: by id, the terms the
    articles parsed again had before."""
    articles, total = library.articles, len(library.articles)
    if basis is None or lists is None or basis.inputs.frame != inputs.frame or len(basis.inputs.digests) != total:
        return None
    ids = [a.id for a in articles]
    if len(lists) != total or any(i not in lists for i in ids):
        return None
    changed = np.flatnonzero(inputs.digests != basis.inputs.digests).tolist()
    if len(changed) > MAX_CHANGED:
        return None
    moved: Counter[str] = Counter()
    for rank in changed:
        old = previous_terms.get(ids[rank])
        if old is None or term_digest(old) != int(basis.inputs.digests[rank]):
            return None  # not the terms the basis was made from
        before, after = set(old.split()), set(articles[rank].terms.split())
        moved.subtract(before - after)
        moved.update(after - before)
    moved = Counter({t: n for t, n in moved.items() if n})  # a word gained by one edited article and lost by another moves nothing
    tables = _new_tables(basis.tables, moved, total)
    if tables is None:
        return None
    vocabulary, counts, idf, remap = tables
    revector = sorted(set(changed) | _having(library, set(moved)))
    if len(revector) > AFRESH_SHARE * total:
        return None
    old = basis.tables
    old_owner = np.repeat(np.arange(total), old.vectors.lengths(slice(0, total)))
    old_terms = remap[old.vectors.values] if remap is not None else old.vectors.values
    numbers = dict(zip(vocabulary, itertools.count()))
    new_ranks, new_terms, new_weights = _vectors((articles, numbers, idf), revector) if revector else (np.zeros(0, np.int64),) * 3
    redone = np.zeros(total, dtype=bool)
    redone[revector] = True
    keep = ~redone[old_owner]
    # Kept rows then new ones, ordered by rank (stably): each rank's entries come from one side, in its order.
    owner = np.concatenate([old_owner[keep], new_ranks]).astype(np.int64)
    order = np.argsort(owner, kind="stable")
    ranks = owner[order]
    terms = np.concatenate([old_terms[keep], new_terms]).astype(np.int64)[order]
    weights = np.concatenate([old.vector_weights[keep], new_weights]).astype(np.float64)[order]
    index = make_index(library, ranks, terms, weights, len(vocabulary))

    again = _affected(index, ranks, old_owner, old_terms, redone, new_terms, len(vocabulary))
    if len(again) > AFRESH_SHARE * total:
        made = [found for part in _spread(_relate, (index, limit), range(total)) for found in part]
        result = dict(zip(ids, made))
    else:
        result = {i: tuple(lists[i]) for i in ids}
        for start, stop in _runs(again):
            for rank, found in zip(range(start, stop), _relate_block(index, range(start, stop), limit)):
                result[ids[rank]] = found
    return result, TermTables(vocabulary, counts, idf, index.vectors, index.vector_weights)


def _new_tables(old: TermTables, moved: Mapping[str, int], total: int) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray | None] | None:
    """(vocabulary, df, idf, old term number -> new or None if they stay) after `moved`."""
    if not moved:
        return old.vocabulary, old.df, old.idf, None
    places = {t: n for n, t in enumerate(old.vocabulary) if t in moved}
    df = {t: int(old.df[n]) for t, n in places.items()}
    for term, change in moved.items():
        df[term] = df.get(term, 0) + change
        if df[term] < 0:
            return None  # the basis does not know these terms as the previous build had them
    gone = {t for t, n in df.items() if n == 0}
    new = [t for t in df if t not in places and df[t] > 0]
    if gone or new:
        vocabulary = sorted([*(t for t in old.vocabulary if t not in gone), *new])
        number = {t: n for n, t in enumerate(vocabulary)}
        remap = np.array([number.get(t, -1) for t in old.vocabulary], dtype=np.int64)
        counts = np.zeros(len(vocabulary), dtype=np.int64)
        idf = np.zeros(len(vocabulary), dtype=np.float64)
        stays = remap >= 0
        counts[remap[stays]], idf[remap[stays]] = old.df[stays], old.idf[stays]
    else:
        vocabulary, remap = old.vocabulary, None
        number = None
        counts, idf = old.df.copy(), old.idf.copy()
    for term, n in df.items():
        if n > 0:
            at = number[term] if number is not None else places[term]
            # As relate_all works it out, so the value is the very same float.
            counts[at], idf[at] = n, math.log((total + 1) / n)
    return vocabulary, counts, idf, remap


def _having(library: Library, terms: set[str]) -> set[int]:
    """Ranks of the articles that have any of `terms`."""
    if not terms:
        return set()
    return {
        rank for rank, article in enumerate(library.articles)
        if any(t in article.terms for t in terms) and not terms.isdisjoint(article.terms.split())
    }  # fmt: skip


def _affected(
    index: _Index, owner: np.ndarray, old_owner: np.ndarray, old_terms: np.ndarray, redone: np.ndarray, new_terms: np.ndarray, vocabulary: int
) -> list[int]:
    """Ranks whose list may differ: those with a new vector (`redone`), and those on
    the postings of a term such a vector held or holds, where either build walks it.
    `owner`: the rank of each entry of `index.vectors.values`.

    Not the members of a new vector's small tags: a candidate's text score is what
    the walk met (`_relate_block`), so a vector no walk meets changes no score.
    And the postings as they are now: an unchanged vector is on a term's list in
    both builds or in neither."""
    valid = old_terms >= 0  # a term no article has any more was only on redone ranks' vectors
    old_lengths = np.bincount(old_terms[valid], minlength=vocabulary)
    new_lengths = index.postings.lengths(np.arange(vocabulary))
    touched = np.zeros(vocabulary, dtype=bool)
    touched[old_terms[valid & redone[old_owner]]] = True
    touched[new_terms] = True
    # A list that crosses MAX_POSTING is walked in one build only: its members' walks differ too.
    walked = touched & (np.minimum(old_lengths, new_lengths) <= related_mod.MAX_POSTING)
    again = redone.copy()
    again[owner[walked[index.vectors.values]]] = True
    return np.flatnonzero(again).tolist()


def _runs(ranks: list[int]) -> list[tuple[int, int]]:
    """Blocks of ranks covering `ranks`: near ones together (relating a few more is
    exact too, and one block costs about as much as one article)."""
    runs: list[list[int]] = []
    for rank in ranks:
        if runs and rank - runs[-1][1] <= _GAP and rank - runs[-1][0] < 1024:
            runs[-1][1] = rank + 1
        else:
            runs.append([rank, rank + 1])
    return [(start, stop) for start, stop in runs]


def encode(basis: Basis) -> bytes:
    """The basis as the build cache keeps it."""
    tables, inputs = basis.tables, basis.inputs
    head = json.dumps(
        {"format": _FORMAT, "key": inputs.key, "frame": inputs.frame, "vocabulary": tables.vocabulary, "entries": len(tables.vectors.values)},
        ensure_ascii=False,
    ).encode("utf-8", "surrogatepass")
    arrays = (
        inputs.digests.astype(np.uint64), tables.df.astype(np.int64), tables.idf.astype(np.float64),
        tables.vectors.starts.astype(np.int64), tables.vectors.values.astype(np.int64), tables.vector_weights.astype(np.float64),
    )  # fmt: skip
    return len(head).to_bytes(8, "little") + head + b"".join(a.tobytes() for a in arrays)


def decode(data: bytes, articles: int) -> Basis:
    """`encode`'s basis for `articles` articles; ValueError if the bytes are not one."""
    size = int.from_bytes(data[:8], "little")
    head = json.loads(data[8 : 8 + size].decode("utf-8", "surrogatepass"))
    if not isinstance(head, dict) or head.get("format") != _FORMAT:
        raise ValueError("not a basis of this version")
    vocabulary, entries = head["vocabulary"], int(head["entries"])
    terms = len(vocabulary)
    shapes = ((np.uint64, articles), (np.int64, terms), (np.float64, terms), (np.int64, articles + 1), (np.int64, entries), (np.float64, entries))
    at, arrays = 8 + size, []
    for dtype, count in shapes:
        end = at + count * 8
        if end > len(data):
            raise ValueError("truncated")
        arrays.append(np.frombuffer(data[at:end], dtype=dtype))
        at = end
    digests, df, idf, starts, values, weights = arrays
    if at != len(data) or starts[0] != 0 or starts[-1] != entries or np.any(np.diff(starts) < 0) or (entries and (values.min() < 0 or values.max() >= terms)) or np.any(df <= 0):
        raise ValueError("inconsistent")
    if not all(isinstance(t, str) for t in vocabulary) or any(a >= b for a, b in zip(vocabulary, vocabulary[1:])):
        raise ValueError("vocabulary not sorted")
    return Basis(Inputs(str(head["key"]), str(head["frame"]), digests), TermTables(vocabulary, df, idf, _Lists(starts, values), weights))
