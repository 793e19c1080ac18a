"""Search records: what each article contributes to the search indexes.

Both indexes (Pagefind over http, ours from disk) are built from these
records, taken from the build's model and, for each article's texts to index,
the build cache (prepare.SearchText), rather than re-read from HTML.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from .. import urls
from ..config import Config
from ..content.model import Library
from ..render import Views
from .prepare import search_text

UNDATED_SORT = "0000-00-00"  # sorts after every real date, newest first


@dataclass(frozen=True, slots=True)
class Record:
    url: str  # site path relative to the site root: "articles/x/"
    title: str
    text: str  # standfirst and body as plain text
    keys: str  # offline index keys of title and text with their weights (prepare.Prepared.keys)
    forms: str  # split clitic forms of title and text (prepare.Prepared.forms)
    lang: str
    authors: tuple[str, ...]  # names as shown
    topics: tuple[str, ...]
    year: str  # "" when undated
    date: str  # for display, in the site's locale and digits
    sort: str  # ISO date, or UNDATED_SORT
    image: str = ""


def records(library: Library, config: Config, texts: Mapping[str, Sequence[str]]) -> Iterator[Record]:
    """One record per article, in the library's order (newest first). `texts`: what
    search indexes of the articles (prepare.SearchText), by source, as far as known;
    the others' is worked out again."""
    views = Views(library, config)
    for article in library.articles:
        known = texts.get(article.source)
        text, keys, forms = known if known is not None else search_text(article.title, article.summary, article.body_html)
        yield Record(
            url=urls.article(article.id),
            title=article.title,
            text=text,
            keys=keys,
            forms=forms,
            lang=article.lang,
            authors=tuple(library.authors[i].name for i in library.article_authors.get(article.id, ())),
            topics=tuple(library.topics[i].name for i in library.article_topics.get(article.id, ())),
            year=str(article.date.year) if article.date else "",
            date=views.date(article.date, article.lang),
            sort=article.date.strftime("%Y-%m-%dT%H:%M:%S") if article.date else UNDATED_SORT,
            image=article.image,
        )
