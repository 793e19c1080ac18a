"""Related articles: those sharing the most authors and topics, most recent first.

Exact without comparing all pairs: an article sharing two or more tags with
this one lies in the intersection of two of its tags' article sets; those
sharing one tag are taken newest-first by merging the tags' lists.
"""

from __future__ import annotations

import heapq
from itertools import combinations

from .content.model import Library

LIMIT = 5


def related(library: Library, limit: int = LIMIT) -> dict[str, tuple[str, ...]]:
    rank = {a.id: index for index, a in enumerate(library.articles)}  # 0 = newest
    tags_of: dict[str, frozenset[str]] = {}
    members: dict[str, list[str]] = {}
    for article in library.articles:
        tags = frozenset(
            [f"a:{x}" for x in library.article_authors[article.id]] + [f"t:{x}" for x in library.article_topics[article.id]]
        )
        tags_of[article.id] = tags
        for tag in tags:
            members.setdefault(tag, []).append(article.id)  # newest first
    member_sets = {tag: frozenset(ids) for tag, ids in members.items()}

    result: dict[str, tuple[str, ...]] = {}
    for article in library.articles:
        ident = article.id
        tags = sorted(tags_of[ident])
        strong: set[str] = set()
        for one, two in combinations(tags, 2):
            strong |= member_sets[one] & member_sets[two]
        strong.discard(ident)
        chosen = heapq.nsmallest(limit, strong, key=lambda other: (-len(tags_of[other] & tags_of[ident]), rank[other]))
        if len(chosen) < limit:
            taken = set(chosen) | {ident}
            merged = heapq.merge(*(((rank[x], x) for x in members[tag]) for tag in tags))
            for _, other in merged:
                if other not in taken:
                    chosen.append(other)
                    taken.add(other)
                    if len(chosen) == limit:
                        break
        result[ident] = tuple(chosen)
    return result
