"""What author and topic pages say about their articles: counts, years active,
the topics an author writes about most, the authors and companion topics of a
topic. Computed once for the whole library, in one pass over its articles."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from .content.model import Library

TOP = 10  # topics, authors or companion topics a hub lists


@dataclass(frozen=True)
class Hub:
    count: int
    years: tuple[tuple[int, int], ...]  # (year, articles), newest year first
    top: tuple[tuple[str, int], ...]  # author hub: (topic id, articles); topic hub: (author id, articles)
    companions: tuple[tuple[str, int], ...] = ()  # topic hub: (topic id seen with it, articles)

    @property
    def first_year(self) -> int | None:
        return self.years[-1][0] if self.years else None

    @property
    def last_year(self) -> int | None:
        return self.years[0][0] if self.years else None


def _ranked(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    """Most articles first, ties by id, so the list is the same on every build."""
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP])


def _years(counts: Counter[int]) -> tuple[tuple[int, int], ...]:
    return tuple(sorted(counts.items(), reverse=True))


def hubs(library: Library) -> tuple[dict[str, Hub], dict[str, Hub]]:
    """(author hubs, topic hubs), keyed by id."""
    # defaultdicts, not setdefault(key, Counter()): that made and dropped a Counter
    # for every byline and tag of the archive, most of the time this took.
    author_years: defaultdict[str, Counter[int]] = defaultdict(Counter)
    author_topics: defaultdict[str, Counter[str]] = defaultdict(Counter)
    topic_years: defaultdict[str, Counter[int]] = defaultdict(Counter)
    topic_authors: defaultdict[str, Counter[str]] = defaultdict(Counter)
    topic_pairs: defaultdict[str, Counter[str]] = defaultdict(Counter)
    counts: Counter[str] = Counter()
    for article in library.articles:
        authors = library.article_authors[article.id]
        topics = library.article_topics[article.id]
        year = article.date.year if article.date else None
        for ident in authors:
            counts[f"a:{ident}"] += 1
            author_topics[ident].update(topics)
            if year is not None:
                author_years[ident][year] += 1
        for ident in topics:
            counts[f"t:{ident}"] += 1
            topic_authors[ident].update(authors)
            topic_pairs[ident].update(t for t in topics if t != ident)
            if year is not None:
                topic_years[ident][year] += 1
    by_author = {
        ident: Hub(counts[f"a:{ident}"], _years(author_years[ident]), _ranked(author_topics[ident]))
        for ident in library.authors
    }
    by_topic = {
        ident: Hub(
            counts[f"t:{ident}"],
            _years(topic_years[ident]),
            _ranked(topic_authors[ident]),
            _ranked(topic_pairs[ident]),
        )
        for ident in library.topics
    }
    return by_author, by_topic


def by_year(library: Library, ids: tuple[str, ...]) -> list[tuple[int | None, tuple[str, ...]]]:
    """Consecutive runs of one year in a newest-first list; None heads the undated run."""
    groups: list[tuple[int | None, list[str]]] = []
    for ident in ids:
        date = library.by_id[ident].date
        year = date.year if date else None
        if not groups or groups[-1][0] != year:
            groups.append((year, []))
        groups[-1][1].append(ident)
    return [(year, tuple(items)) for year, items in groups]
