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
import math
from collections import Counter
from dataclasses import dataclass

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


@dataclass(frozen=True)
class _Vector:
    terms: tuple[tuple[str, float], ...]  # the heaviest terms, L2-normalised weights


def _vectors(articles: tuple[Article, ...]) -> list[_Vector]:
    """TF-IDF (log-scaled term frequency) of the articles' terms, pruned to TOP_TERMS."""
    groups = [list(unpack_counts(article.terms)) for article in articles]
    df: Counter[str] = Counter()
    for terms in groups:
        for _, same_count in terms:
            df.update(same_count)  # an article's terms are distinct, so this counts articles
    total = len(articles)
    idf = {term: math.log((total + 1) / n) for term, n in df.items()}
    vectors = []
    for terms in groups:
        # Negated weights: plain tuple order is heaviest first, ties by term (deterministic pruning).
        weights = []
        for n, same_count in terms:
            tf = -1.0 - math.log(n)
            weights += [(tf * idf[term], term) for term in same_count]
        weights.sort()
        norm = math.sqrt(sum(w * w for w, _ in weights)) or 1.0
        vectors.append(_Vector(tuple((t, -w / norm) for w, t in weights[:TOP_TERMS] if w < 0)))
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
    days = [_days(a) for a in articles]

    vectors = _vectors(articles)
    postings: dict[str, list[tuple[int, float]]] = {}
    for rank, vector in enumerate(vectors):
        for term, weight in vector.terms:
            postings.setdefault(term, []).append((rank, weight))

    result: dict[str, tuple[str, ...]] = {}
    for rank, article in enumerate(articles):
        text = _text_scores(vectors[rank], postings)
        text.pop(rank, None)
        # Full scores only for the best text matches and the members of small tags.
        candidates = set(heapq.nlargest(CANDIDATES, text, key=text.__getitem__))
        tags = tags_of[rank]
        for tag in sorted(tags):
            if len(members[tag]) <= SMALL_TAG:
                candidates.update(members[tag])
        candidates.discard(rank)

        scored = []
        for other in candidates:
            score = sum(tag_weight[t] for t in tags & tags_of[other]) + text.get(other, 0.0)
            if score > 0:
                one, two = days[rank], days[other]
                near = 0.0 if one is None or two is None else 0.5 ** (abs(one - two) / TIME_HALF_LIFE_DAYS)
                score *= 1.0 - TIME_WEIGHT + TIME_WEIGHT * near
                scored.append((-round(score, _ROUND), articles[other].id, other))
        chosen = [other for _, _, other in heapq.nsmallest(limit, scored)]
        if len(chosen) < limit and tags:
            chosen += _fill(rank, chosen, [members[t] for t in sorted(tags)], limit)
        result[article.id] = tuple(articles[r].id for r in chosen)
    return result


def _text_scores(vector: _Vector, postings: dict[str, list[tuple[int, float]]]) -> dict[int, float]:
    """Dot products with the articles sharing a term, rarest terms first, within a budget."""
    scores: dict[int, float] = {}
    get = scores.get
    budget = BUDGET
    for length, term, weight in sorted((len(postings[t]), t, w) for t, w in vector.terms):
        if length > MAX_POSTING or length > budget:
            break
        budget -= length
        for other, other_weight in postings[term]:
            scores[other] = get(other, 0.0) + weight * other_weight
    return scores


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
