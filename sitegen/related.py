"""Related articles: those sharing the most authors and topics, most recent first.

Exact without comparing all pairs: an article sharing two or more tags with
this one lies in the intersection of two of its tags' article sets; those
sharing one tag are taken newest-first by merging the tags' lists. Articles
are numbered newest first, so "most recent" is simply "smallest number".
"""

from __future__ import annotations

import heapq
from collections import Counter
from itertools import combinations

from .content.model import Library

LIMIT = 5


def related(library: Library, limit: int = LIMIT) -> dict[str, tuple[str, ...]]:
    ids = [a.id for a in library.articles]  # index = rank, 0 = newest
    members: dict[str, list[int]] = {}
    tags_of: list[list[str]] = []
    for rank, ident in enumerate(ids):
        tags = sorted(
            [f"a:{x}" for x in library.article_authors[ident]] + [f"t:{x}" for x in library.article_topics[ident]]
        )
        tags_of.append(tags)
        for tag in tags:
            members.setdefault(tag, []).append(rank)  # ascending: newest first
    member_sets = {tag: frozenset(ranks) for tag, ranks in members.items()}

    result: dict[str, tuple[str, ...]] = {}
    for rank, tags in enumerate(tags_of):
        # A candidate sharing k tags appears in k*(k-1)/2 pairwise intersections,
        # so counting appearances ranks candidates exactly as shared tags would.
        pair_counts: Counter[int] = Counter()
        for one, two in combinations(tags, 2):
            pair_counts.update(member_sets[one] & member_sets[two])
        pair_counts.pop(rank, None)
        chosen: list[int] = []
        by_level: dict[int, list[int]] = {}
        for other, count in pair_counts.items():
            by_level.setdefault(count, []).append(other)
        for level in sorted(by_level, reverse=True):
            chosen.extend(heapq.nsmallest(limit - len(chosen), by_level[level]))
            if len(chosen) == limit:
                break
        if len(chosen) < limit:
            taken = {rank, *chosen}
            for other in heapq.merge(*(members[t] for t in tags)):
                if other not in taken:
                    chosen.append(other)
                    taken.add(other)
                    if len(chosen) == limit:
                        break
        result[ids[rank]] = tuple(ids[r] for r in chosen)
    return result
