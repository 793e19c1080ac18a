"""Related articles: shared authors and topics weighted by rarity, textual
similarity of titles and bodies, and a mild preference for articles close in time.

    score = Σ shared tags  TAG_WEIGHT · idf(tag) / log(N + 1)
          + cosine of the articles' TF-IDF term vectors
    then × a time factor between 1 − TIME_WEIGHT (far apart or undated) and 1.

It never compares all pairs. Each article keeps only its TOP_TERMS heaviest
terms (rare words weigh most); candidates are the articles found in the inverted
lists of those terms and of its rarer tags. Lists longer than MAX_POSTING (words
and tags on a large share of the archive) are not walked: they say little, and
walking them is what would make the work quadratic. A candidate's tag score is
still exact, so a common topic counts, weakly, whenever the article was found.
Articles left with fewer than LIMIT related are filled from their tags' lists,
newest first. Equal scores are ordered by id, so the result never wobbles.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass

from .content.model import Article, Library
from .terms import Terms, plain_text

LIMIT = 5
TOP_TERMS = 24  # terms per article in the inverted index
MAX_POSTING = 600  # longer term or tag lists are not walked for candidates
TITLE_BOOST = 3  # a title word counts as this many body words
TAG_WEIGHT = 0.6  # a tag on two articles only, against a perfect text match (1.0)
TIME_WEIGHT = 0.15  # the most time can take off a score
TIME_HALF_LIFE_DAYS = 365.0
_ROUND = 9  # decimals kept, so float noise never outweighs the tie-break by id


@dataclass(frozen=True)
class _Vector:
    terms: tuple[tuple[str, float], ...]  # the heaviest terms, L2-normalised weights


def _vectors(articles: tuple[Article, ...]) -> list[_Vector]:
    """TF-IDF (log-scaled term frequency) over title and body, pruned to TOP_TERMS."""
    terms_of = Terms()
    counts: list[Counter[str]] = []
    df: Counter[str] = Counter()
    for article in articles:
        terms = terms_of.counts(plain_text(article.body_html))
        for term, n in terms_of.counts(f"{article.title} {article.summary}").items():
            terms[term] += TITLE_BOOST * n
        counts.append(terms)
        df.update(terms.keys())
    total = len(articles)
    idf = {term: math.log((total + 1) / n) for term, n in df.items()}
    vectors = []
    for terms in counts:
        weights = [(term, (1.0 + math.log(n)) * idf[term]) for term, n in terms.items()]
        norm = math.sqrt(sum(w * w for _, w in weights)) or 1.0
        # Heaviest first, ties by term, so pruning is deterministic.
        top = heapq.nsmallest(TOP_TERMS, weights, key=lambda tw: (-tw[1], tw[0]))
        vectors.append(_Vector(tuple((t, w / norm) for t, w in top if w > 0)))
    return vectors


def _time_factor(one: Article, two: Article) -> float:
    if one.date is None or two.date is None:
        return 1.0 - TIME_WEIGHT
    days = abs((one.date - two.date).total_seconds()) / 86400.0
    return 1.0 - TIME_WEIGHT + TIME_WEIGHT * 0.5 ** (days / TIME_HALF_LIFE_DAYS)


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

    vectors = _vectors(articles)
    postings: dict[str, list[tuple[int, float]]] = {}
    for rank, vector in enumerate(vectors):
        for term, weight in vector.terms:
            postings.setdefault(term, []).append((rank, weight))

    result: dict[str, tuple[str, ...]] = {}
    for rank, article in enumerate(articles):
        text: dict[int, float] = {}
        for term, weight in vectors[rank].terms:
            posting = postings[term]
            if len(posting) > MAX_POSTING:
                continue
            for other, other_weight in posting:
                text[other] = text.get(other, 0.0) + weight * other_weight
        candidates = set(text)
        tags = tags_of[rank]
        for tag in sorted(tags):
            if len(members[tag]) <= MAX_POSTING:
                candidates.update(members[tag])
        candidates.discard(rank)

        scored = []
        for other in candidates:
            shared = tags & tags_of[other]
            score = sum(tag_weight[t] for t in shared) + text.get(other, 0.0)
            if score > 0:
                score *= _time_factor(article, articles[other])
                scored.append((-round(score, _ROUND), articles[other].id, other))
        chosen = [other for _, _, other in heapq.nsmallest(limit, scored)]
        if len(chosen) < limit and tags:
            chosen += _fill(rank, chosen, [members[t] for t in sorted(tags)], limit)
        result[article.id] = tuple(articles[r].id for r in chosen)
    return result


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
