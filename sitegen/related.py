"""Related articles: shared authors and topics weighted by rarity, textual
similarity of titles and bodies, and a mild preference for articles close in time.

    score = Σ shared tags  TAG_WEIGHT · idf(tag) / log(N + 1)
          + cosine of the articles' TF-IDF term vectors
    then × a time factor between 1 − TIME_WEIGHT (far apart or undated) and 1.

Words come from the title, summary and the body's opening (`terms.article_terms`,
counted when the article is parsed and kept in the build cache with it).
It never compares all pairs. Each article keeps only its TOP_TERMS heaviest
terms (rare words weigh most) in an inverted index; an article's text scores are
accumulated over the lists of its terms, shortest (rarest) first, within a
BUDGET of entries, and lists longer than MAX_POSTING are not walked: such words
say little, and walking them is what would make the work quadratic. The best
CANDIDATES text matches and the members of its small tags (≤ SMALL_TAG articles)
get a full score; a candidate's tag score is exact, so a common topic still
counts, weakly. Articles left with fewer than LIMIT related are filled from
their tags' lists, newest first. Equal scores (to _ROUND decimals) are ordered
by id, so the result never wobbles.

Each article's vector, then each article's list, depends only on shared
read-only tables, so large archives are split over forked workers (as parsing
and rendering are); the result is the same whatever the split.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
import operator
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

from . import terms as terms_mod
from .content.model import Article, Library
from .parallel import chunks, frozen, in_process, workers
from .terms import unpack_counts

T = TypeVar("T")
Vector = tuple[tuple[str, float], ...]  # (term, weight), heaviest first

LIMIT = 5
TOP_TERMS = 16  # terms per article in the inverted index
MAX_POSTING = 250  # longer term lists are not walked: the word is too common to tell
BUDGET = 500  # posting entries walked per article, rarest terms first
CANDIDATES = 30  # best text matches given a full score
SMALL_TAG = 30  # all members of a tag this small are candidates
TAG_WEIGHT = 0.6  # a tag on two articles only, against a perfect text match (1.0)
TIME_WEIGHT = 0.15  # the most time can take off a score
TIME_HALF_LIFE_DAYS = 365.0
_ROUND = 9  # decimals kept, so float noise never outweighs the tie-break by id


@dataclass(frozen=True)
class _Index:
    """What scoring an article reads: built once, then only read (by forked workers too)."""

    ids: list[str]  # by rank, 0 = newest
    tags_of: list[frozenset[str]]  # "a:<author>", "t:<topic>"
    members: dict[str, list[int]]  # tag -> ranks, ascending
    small_tags: dict[str, list[int]]  # the tags with at most SMALL_TAG members
    tag_weight: dict[str, float]
    days: list[float | None]
    vectors: list[Vector]
    postings: dict[str, tuple[list[int], list[float]]]  # term -> (ranks, weights), ranks ascending


def related(library: Library, limit: int = LIMIT) -> dict[str, tuple[str, ...]]:
    """Up to `limit` related article ids per article, best first."""
    articles = library.articles  # rank = index, 0 = newest
    total = len(articles)
    tags_of: list[frozenset[str]] = []
    members: dict[str, list[int]] = {}
    for rank, article in enumerate(articles):
        tags = [f"a:{x}" for x in library.article_authors[article.id]] + [f"t:{x}" for x in library.article_topics[article.id]]
        tags_of.append(frozenset(tags))
        for tag in dict.fromkeys(tags):
            members.setdefault(tag, []).append(rank)  # ascending: newest first
    scale = math.log(total + 1) or 1.0
    tag_weight = {tag: TAG_WEIGHT * math.log((total + 1) / len(ranks)) / scale for tag, ranks in members.items()}

    everyone = range(total)
    df: Counter[str] = Counter()
    for part in _spread(_document_frequencies, articles, everyone):
        df.update(part)
    idf = {term: math.log((total + 1) / n) for term, n in df.items()}
    vectors: list[Vector] = []
    postings: dict[str, tuple[list[int], list[float]]] = {}
    for part_vectors, part_postings in _spread(_vectors, (articles, idf), everyone):
        vectors += part_vectors
        for term, (part_ranks, part_weights) in part_postings.items():
            ranks, weights = postings.setdefault(term, ([], []))
            ranks += part_ranks  # parts come in rank order, so ranks stay ascending
            weights += part_weights
    index = _Index(
        ids=[a.id for a in articles],
        tags_of=tags_of,
        members=members,
        small_tags={tag: ranks for tag, ranks in members.items() if len(ranks) <= SMALL_TAG},
        tag_weight=tag_weight,
        days=[_days(a) for a in articles],
        vectors=vectors,
        postings=postings,
    )
    lists = [ids for part in _spread(_relate, (index, limit), everyone) for ids in part]
    return dict(zip(index.ids, lists))


def inputs_key(library: Library, limit: int = LIMIT) -> str:
    """A hash of everything `related(library, limit)` reads, and of the code that reads it.

    `related` is a pure function of these (the worker split does not change its
    result), so lists saved under an equal key are exactly the lists it would
    compute again. An edit that leaves an article's terms, tags and date alone (most
    of the body lies past terms.BODY_CHARS) keeps the key, and the archive-wide
    computation is skipped; any change to what it reads makes a new key.
    """
    hasher = hashlib.blake2b(digest_size=16)
    for module in (__file__, terms_mod.__file__):  # how lists are scored, and how terms are read back
        hasher.update(Path(module).read_bytes())
    hasher.update(repr(limit).encode())
    for article in library.articles:  # in rank order: ranks break ties in fills and walks
        ident, terms = article.id, article.terms
        # The terms by their length and bytes, not by repr: at 10,000 articles repr
        # looked at every character of 13 MB of terms, most of this key's time.
        read = (ident, len(terms), _days(article), library.article_authors[ident], library.article_topics[ident])
        hasher.update(repr(read).encode())
        hasher.update(terms.encode("utf-8", "surrogatepass"))
    return hasher.hexdigest()


def _spread(work: Callable[[Any, Sequence[int]], T], shared: Any, ranks: range) -> list[T]:
    """`work(shared, part)` for consecutive parts of `ranks`, in order: over
    forked workers when there is enough work, else one part in this process.
    Workers inherit `shared` by forking, so only ranges and results are pickled."""
    if in_process(len(ranks)):
        return [work(shared, ranks)]
    with frozen(), ProcessPoolExecutor(workers(), mp_context=get_context("fork"), initializer=_adopt, initargs=(work, shared)) as pool:
        return list(pool.map(_work_inherited, chunks(ranks)))


# Set in each forked worker by its initializer; the parent never touches it.
_inherited: list[tuple[Callable[[Any, Sequence[int]], Any], Any]] = []


def _adopt(work: Callable[[Any, Sequence[int]], Any], shared: Any) -> None:
    _inherited.append((work, shared))


def _work_inherited(ranks: Sequence[int]) -> Any:
    work, shared = _inherited[-1]
    return work(shared, ranks)


def _document_frequencies(articles: tuple[Article, ...], ranks: Sequence[int]) -> Counter[str]:
    df: Counter[str] = Counter()
    for rank in ranks:
        df.update(articles[rank].terms.split())  # an article's terms are distinct, so this counts articles
    return df


def _vectors(
    shared: tuple[tuple[Article, ...], dict[str, float]], ranks: Sequence[int]
) -> tuple[list[Vector], dict[str, tuple[list[int], list[float]]]]:
    """The articles' TOP_TERMS heaviest terms with their TF-IDF weights (log-scaled
    term frequency), L2-normalised over all their terms; heaviest first, ties by
    term. With them, their part of the inverted index (term -> ranks, weights)."""
    articles, idf = shared
    idf_of = idf.__getitem__
    vectors = []
    postings: dict[str, tuple[list[int], list[float]]] = {}
    for rank in ranks:
        weights: list[float] = []
        terms: list[str] = []
        # Runs for every term of every article, so it is kept to maps over C
        # functions (operator's: a bound float method would be called far slower).
        for n, same_count in unpack_counts(articles[rank].terms):
            if n == 1:  # most terms; tf = 1
                weights += map(idf_of, same_count)
            else:
                weights += map(operator.mul, itertools.repeat(1.0 + math.log(n)), map(idf_of, same_count))
            terms += same_count
        norm = math.sqrt(sum(map(operator.mul, weights, weights))) or 1.0
        # Tuples only for the terms that can make the cut (ties at the cut included).
        cut = sorted(weights)[-TOP_TERMS] if len(weights) > TOP_TERMS else 0.0
        heaviest = sorted([(-w, t) for w, t in zip(weights, terms) if w >= cut and w > 0])[:TOP_TERMS]
        vector = tuple((t, -w / norm) for w, t in heaviest)
        vectors.append(vector)
        for term, weight in vector:
            entries = postings.setdefault(term, ([], []))
            entries[0].append(rank)
            entries[1].append(weight)
    return vectors, postings


def _days(article: Article) -> float | None:
    return article.date.timestamp() / 86400.0 if article.date else None


def _relate(shared: tuple[_Index, int], ranks: Sequence[int]) -> list[tuple[str, ...]]:
    """The related ids of the articles at `ranks`."""
    index, limit = shared
    ids, tags_of, tag_weight, days = index.ids, index.tags_of, index.tag_weight, index.days
    out = []
    for rank in ranks:
        text: dict[int, float] = {}
        get = text.get
        for others, other_weights, weight in _walk(index.vectors[rank], index.postings):
            for other, other_weight in zip(others, other_weights):
                text[other] = get(other, 0.0) + weight * other_weight
        text.pop(rank, None)
        # Full scores only for the best text matches and the members of small tags.
        candidates = set(sorted(text, key=text.__getitem__, reverse=True)[:CANDIDATES])  # stable, as nlargest
        tags = tags_of[rank]
        for tag in tags:
            if tag in index.small_tags:
                candidates.update(index.small_tags[tag])
        candidates.discard(rank)

        scored = []
        one = days[rank]
        for other in candidates:
            score = get(other, 0.0)
            if not tags.isdisjoint(tags_of[other]):
                score = sum(map(tag_weight.__getitem__, tags & tags_of[other])) + score
            if score > 0:
                two = days[other]
                near = 0.0 if one is None or two is None else 0.5 ** (abs(one - two) / TIME_HALF_LIFE_DAYS)
                score *= 1.0 - TIME_WEIGHT + TIME_WEIGHT * near
                scored.append((score, other))
        chosen = _best(scored, ids, limit)
        if len(chosen) < limit and tags:
            chosen += _fill(rank, chosen, [index.members[t] for t in sorted(tags)], limit)
        out.append(tuple(ids[r] for r in chosen))
    return out


def _best(scored: list[tuple[float, int]], ids: list[str], limit: int) -> list[int]:
    """The `limit` best (score, rank) by score to _ROUND decimals, then by id.

    `round` to decimals is slow (it works on the decimal digits), so only the
    scores that could still tie with the limit-th best are rounded: a score more
    than two units of the last decimal below it rounds strictly below it.
    """
    if len(scored) > limit:
        scored.sort(reverse=True)
        floor = scored[limit - 1][0] - 2 * 10.0**-_ROUND
        scored = list(itertools.takewhile(lambda item: item[0] >= floor, scored))
    return [other for _, _, other in sorted((-round(score, _ROUND), ids[other], other) for score, other in scored)[:limit]]


def _walk(
    vector: Vector, postings: dict[str, tuple[list[int], list[float]]]
) -> list[tuple[list[int], list[float], float]]:
    """The term lists an article's text scores are summed over: rarest terms
    first, within BUDGET entries, none longer than MAX_POSTING."""
    walked = []
    budget = BUDGET
    for length, term, weight in sorted((len(postings[t][0]), t, w) for t, w in vector):
        if length > MAX_POSTING or length > budget:
            break
        budget -= length
        ranks, weights = postings[term]
        walked.append((ranks, weights, weight))
    return walked


def _fill(rank: int, chosen: list[int], lists: list[list[int]], limit: int) -> list[int]:
    """More articles sharing a tag, newest first, until `limit` (lazily: lists may be long)."""
    taken = {rank, *chosen}
    extra: list[int] = []
    for other in heapq.merge(*lists):
        if other not in taken:
            taken.add(other)
            extra.append(other)
            if len(chosen) + len(extra) == limit:
                break
    return extra
