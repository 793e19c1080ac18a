"""Related articles: shared authors and topics weighted by rarity, textual
similarity of titles and bodies, and a mild preference for articles close in time.

    score = Σ shared tags  TAG_WEIGHT · idf(tag) / log(N + 1)
          + cosine of the articles' TF-IDF term vectors
    then × a time factor between 1 − TIME_WEIGHT (far apart or undated) and 1.

Words come from the title, summary and the body's first BODY_CHARS characters.
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
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
from collections import Counter

from .content.model import Article, Library
from .terms import unpack_counts

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


def _vectors(articles: tuple[Article, ...]) -> list[tuple[tuple[str, float], ...]]:
    """Each article's TOP_TERMS heaviest terms with their TF-IDF weights (log-scaled
    term frequency), L2-normalised over all its terms; heaviest first, ties by term."""
    df: Counter[str] = Counter()
    for article in articles:
        df.update(article.terms.split())  # an article's terms are distinct, so this counts articles
    total = len(articles)
    idf = {term: math.log((total + 1) / n) for term, n in df.items()}
    vectors = []
    for article in articles:
        weights: list[float] = []
        terms: list[str] = []
        for n, same_count in unpack_counts(article.terms):
            # map over C callables: this runs for every term of every article.
            weights += map((1.0 + math.log(n)).__mul__, map(idf.__getitem__, same_count))
            terms += same_count
        norm = math.sqrt(sum(map(operator.mul, weights, weights))) or 1.0
        if len(weights) > TOP_TERMS:
            # Tuples only for the terms that can make the cut (ties at the cut included).
            cut = sorted(weights)[-TOP_TERMS]
            kept = itertools.compress(zip(weights, terms), map(cut.__le__, weights))
        else:
            kept = zip(weights, terms)
        heaviest = sorted(((-w, t) for w, t in kept if w > 0))[:TOP_TERMS]
        vectors.append(tuple((t, -w / norm) for w, t in heaviest))
    return vectors


def _days(article: Article) -> float | None:
    return article.date.timestamp() / 86400.0 if article.date else None


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
    small_tags = {tag: ranks for tag, ranks in members.items() if len(ranks) <= SMALL_TAG}
    days = [_days(a) for a in articles]

    vectors = _vectors(articles)
    postings: dict[str, tuple[list[int], list[float]]] = {}
    for rank, vector in enumerate(vectors):
        for term, weight in vector:
            ranks, weights = postings.setdefault(term, ([], []))
            ranks.append(rank)
            weights.append(weight)

    ids = [a.id for a in articles]
    result: dict[str, tuple[str, ...]] = {}
    for rank in range(total):
        text: dict[int, float] = {}
        get = text.get
        for ranks, weights, weight in _walk(vectors[rank], postings):
            for other, other_weight in zip(ranks, weights):
                text[other] = get(other, 0.0) + weight * other_weight
        text.pop(rank, None)
        # Full scores only for the best text matches and the members of small tags.
        candidates = set(sorted(text, key=text.__getitem__, reverse=True)[:CANDIDATES])  # stable, as nlargest
        tags = tags_of[rank]
        for tag in tags:
            if tag in small_tags:
                candidates.update(small_tags[tag])
        candidates.discard(rank)

        scored = []
        one = days[rank]
        for other in candidates:
            shared = tags & tags_of[other]
            score = sum(map(tag_weight.__getitem__, shared)) + get(other, 0.0) if shared else get(other, 0.0)
            if score > 0:
                two = days[other]
                near = 0.0 if one is None or two is None else 0.5 ** (abs(one - two) / TIME_HALF_LIFE_DAYS)
                score *= 1.0 - TIME_WEIGHT + TIME_WEIGHT * near
                scored.append((-round(score, _ROUND), ids[other], other))
        chosen = [other for _, _, other in sorted(scored)[:limit]]
        if len(chosen) < limit and tags:
            chosen += _fill(rank, chosen, [members[t] for t in sorted(tags)], limit)
        result[ids[rank]] = tuple(ids[r] for r in chosen)
    return result


def _walk(
    vector: tuple[tuple[str, float], ...], postings: dict[str, tuple[list[int], list[float]]]
) -> list[tuple[list[int], list[float], float]]:
    """The term lists an article's text scores are summed over: rarest terms
    first, within BUDGET entries, none longer than MAX_POSTING."""
    walked = []
    budget = BUDGET
    for length, _term, weight in sorted((len(postings[t][0]), t, w) for t, w in vector):
        if length > MAX_POSTING or length > budget:
            break
        budget -= length
        ranks, weights = postings[_term]
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
