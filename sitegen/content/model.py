"""The frozen content model. Pages refer to each other by id, never by object."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class RelatedTeaser:
    """An imported "read also" teaser of another article."""

    title: str
    author: str = ""
    date: str = ""
    excerpt: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    id: str  # the slug; unique across the archive
    source: str  # path of the Markdown file, relative to the site root
    title: str
    body_html: str
    date: dt.datetime | None = None
    updated: dt.datetime | None = None
    author_names: tuple[str, ...] = ()  # as written; the library resolves them to ids
    topic_names: tuple[str, ...] = ()
    summary: str = ""
    lang: str = "ar"
    source_url: str = ""
    image: str = ""
    draft: bool = False
    dateline: str = ""
    related_teasers: tuple[RelatedTeaser, ...] = ()
    provenance: tuple[tuple[str, Any], ...] = ()  # the `import:` mapping, frozen
    extra: tuple[tuple[str, Any], ...] = ()
    refs: tuple[str, ...] = ()  # other articles' sources this body links to
    ref_lines: tuple[tuple[str, int], ...] = ()  # (source, line in this file) of each such link
    words: int = 0
    terms: str = ""  # what related articles compare: term counts, packed (terms.article_terms)
    # What search indexes of it is not here but in the build cache (search.prepare.SearchText).

    @property
    def extra_map(self) -> dict[str, Any]:
        return dict(self.extra)


@dataclass(frozen=True, slots=True)
class Author:
    id: str
    name: str
    bio: str = ""
    image: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (label, url)
    source: str = ""  # profile file, "" when only named by articles
    aliases: tuple[str, ...] = ()  # variant spellings folded into this page


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    name: str
    description: str = ""
    source: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Warning_:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: warning: {self.message}"


@dataclass(frozen=True)
class Library:
    """Everything the site holds, resolved: articles newest first, ids everywhere."""

    articles: tuple[Article, ...]  # newest first, undated last
    authors: dict[str, Author] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    article_authors: dict[str, tuple[str, ...]] = field(default_factory=dict)  # article id -> author ids
    article_topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    by_id: dict[str, Article] = field(default_factory=dict)
    by_source: dict[str, str] = field(default_factory=dict)  # source path -> article id
    warnings: tuple[Warning_, ...] = ()
