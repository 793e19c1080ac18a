"""Search records: what each article contributes to the search indexes.

Both indexes (Pagefind over http, ours from disk) are built from these
records, taken from the build's model rather than re-read from HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .. import urls
from ..config import Config
from ..link import Linked
from ..render import Views

_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")
UNDATED_SORT = "0000-00-00"  # sorts after every real date, newest first


@dataclass(frozen=True, slots=True)
class Record:
    url: str  # site path relative to the site root: "articles/x/"
    title: str
    text: str  # standfirst and body as plain text
    lang: str
    authors: tuple[str, ...]  # names as shown
    topics: tuple[str, ...]
    year: str  # "" when undated
    date: str  # for display, in the site's locale and digits
    sort: str  # ISO date, or UNDATED_SORT
    image: str = ""


def plain_text(body_html: str) -> str:
    """Body HTML as one line of text; tags become spaces so words never fuse."""
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", body_html))).strip()


def records(linked: Linked, config: Config) -> Iterator[Record]:
    """One record per article, in the library's order (newest first)."""
    views = Views(linked, config)
    library = linked.library
    for article in library.articles:
        text = plain_text(article.body_html)
        if article.summary:
            text = f"{article.summary} {text}"
        yield Record(
            url=urls.article(article.id),
            title=article.title,
            text=text,
            lang=article.lang,
            authors=tuple(library.authors[i].name for i in library.article_authors.get(article.id, ())),
            topics=tuple(library.topics[i].name for i in library.article_topics.get(article.id, ())),
            year=str(article.date.year) if article.date else "",
            date=views.date(article.date, article.lang),
            sort=article.date.strftime("%Y-%m-%dT%H:%M:%S") if article.date else UNDATED_SORT,
            image=article.image,
        )
