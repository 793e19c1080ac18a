"""Groupings of the library: by author, by topic, by month; and pagination."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .content.model import Library


@dataclass(frozen=True)
class Pager:
    """One page of a paginated list of article ids."""

    items: tuple[str, ...]
    number: int
    count: int  # number of pages

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count


def paginate(ids: tuple[str, ...], per_page: int) -> list[Pager]:
    """At least one page, even when the list is empty."""
    chunks = [ids[i : i + per_page] for i in range(0, len(ids), per_page)] or [()]
    return [Pager(chunk, n, len(chunks)) for n, chunk in enumerate(chunks, start=1)]


def _group(library: Library, mapping: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for article in library.articles:  # already newest first
        for key in mapping[article.id]:
            groups[key].append(article.id)
    return {key: tuple(ids) for key, ids in groups.items()}


def by_author(library: Library) -> dict[str, tuple[str, ...]]:
    return _group(library, library.article_authors)


def by_topic(library: Library) -> dict[str, tuple[str, ...]]:
    return _group(library, library.article_topics)


@dataclass(frozen=True)
class Archive:
    months: dict[tuple[int, int], tuple[str, ...]]  # (year, month) -> ids, newest month first
    undated: tuple[str, ...]

    @property
    def years(self) -> dict[int, list[tuple[int, int]]]:
        years: dict[int, list[tuple[int, int]]] = {}
        for year, month in self.months:
            years.setdefault(year, []).append((year, month))
        return years


def archive(library: Library) -> Archive:
    months: dict[tuple[int, int], list[str]] = {}
    undated = []
    for article in library.articles:
        if article.date is None:
            undated.append(article.id)
        else:
            months.setdefault((article.date.year, article.date.month), []).append(article.id)
    ordered = dict(sorted(((k, tuple(v)) for k, v in months.items()), reverse=True))
    return Archive(ordered, tuple(undated))


def neighbours(library: Library) -> dict[str, tuple[str | None, str | None]]:
    """(older, newer) article ids by date; undated articles have none."""
    dated = [a.id for a in library.articles if a.date is not None]
    out: dict[str, tuple[str | None, str | None]] = {}
    for index, ident in enumerate(dated):
        newer = dated[index - 1] if index > 0 else None
        older = dated[index + 1] if index + 1 < len(dated) else None
        out[ident] = (older, newer)
    return out
