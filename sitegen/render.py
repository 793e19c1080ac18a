"""Render the linked library through the Jinja2 theme into output files.

Template lookup: the site's own templates/ first, then the theme's, so a site
restyles one file without forking the theme.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import urls
from .arabic import format_date, format_number, month_name
from .config import Config, text_direction
from .content.markdown import REF_SCHEME
from .content.model import Article, Author, Topic
from .link import Linked
from .metadata import json_ld
from .publish import feed_path
from .taxonomy import paginate


@dataclass(frozen=True)
class Output:
    path: str  # site path of the page ("articles/x/") or file ("404.html")
    data: bytes
    modified: dt.datetime | None = None  # newest content shown, for the sitemap

    @property
    def file(self) -> str:
        return urls.output_file(self.path)


def template_dirs(config: Config) -> list[Path]:
    """Site overrides first, then the theme (in the site, else bundled with sitegen)."""
    dirs = [config.root / "templates"]
    for themes in (config.root / "themes", Path(__file__).resolve().parent.parent / "themes"):
        if (themes / config.theme).is_dir():
            dirs.append(themes / config.theme / "templates")
            break
    return [d for d in dirs if d.is_dir()]


def static_dirs(config: Config) -> list[Path]:
    """Theme first, then the site's static/, whose files replace the theme's."""
    dirs = []
    for themes in (config.root / "themes", Path(__file__).resolve().parent.parent / "themes"):
        if (themes / config.theme).is_dir():
            dirs.append(themes / config.theme / "static")
            break
    dirs.append(config.root / "static")
    return [d for d in dirs if d.is_dir()]


# Private-use characters that no article text carries: a stand-in for "../" runs.
ROOT_MARK = "\ue000root\ue000"

_REF_RE = re.compile(f'href="{REF_SCHEME}:([^"#]*)(#[^"]*)?"')


class Views:
    """Read-only helpers the templates call; holds no page state."""

    def __init__(self, linked: Linked, config: Config):
        self.linked = linked
        self.library = linked.library
        self.config = config

    def article(self, ident: str) -> Article:
        return self.library.by_id[ident]

    def authors_of(self, article: Article) -> list[Author]:
        return [self.library.authors[i] for i in self.library.article_authors[article.id]]

    def topics_of(self, article: Article) -> list[Topic]:
        return [self.library.topics[i] for i in self.library.article_topics[article.id]]

    def date(self, value: dt.datetime | None, lang: str = "") -> str:
        if value is None:
            return self.config.labels.undated
        lang = lang or self.config.language
        locale = self.config.locale if lang.split("-")[0] == self.config.locale.split("_")[0] else lang.replace("-", "_")
        digits = self.config.digits if text_direction(lang) == "rtl" else "latn"
        return format_date(value.date(), locale, digits)

    def month(self, year: int, month: int) -> str:
        return month_name(year, month, self.config.locale, self.config.digits)

    def num(self, value: int) -> str:
        return format_number(value, self.config.digits)

    def dir(self, lang: str) -> str:
        return text_direction(lang)


def make_environment(config: Config) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(urls=urls, site=config)
    return env


class Renderer:
    def __init__(self, linked: Linked, config: Config):
        self.config = config
        self.linked = linked
        self.views = Views(linked, config)
        self.env = make_environment(config)
        # An entry's markup is rendered once per article with a marker where the way
        # back to the site root goes; each page then puts in its own root.
        self._entries: dict[tuple[str, str], str] = {}

    def entry(self, root: str, ident: str, heading: str = "h3") -> Markup:
        key = (ident, heading)
        html = self._entries.get(key)
        if html is None:
            html = self.env.get_template("_entry.html").render(
                v=self.views, link=partial(urls.from_root, ROOT_MARK), article=self.linked.library.by_id[ident], heading=heading
            )
            self._entries[key] = html
        return Markup(html.replace(ROOT_MARK, root))

    def render(self, template: str, path: str, modified: dt.datetime | None = None, feed: str = "", **context: Any) -> Output:
        root = urls.prefix(path)
        link: Callable[[str], str] = partial(urls.from_root, root)
        lang = context.pop("lang", self.config.language)
        html = self.env.get_template(template).render(
            v=self.views, link=link, entry=partial(self.entry, root), page_path=path, lang=lang,
            dir=text_direction(lang), canonical=self._canonical(path), feed=feed or self._feed(), **context,
        )  # fmt: skip
        return Output(path, html.encode("utf-8"), modified)

    def _canonical(self, path: str) -> str:
        return urls.absolute(self.config.base_url, path) if self.config.absolute else ""

    def _newest(self, ids: tuple[str, ...]) -> dt.datetime | None:
        """The latest change among the articles a page shows (an edit counts)."""
        stamps = [a.updated or a.date for a in map(self.linked.library.by_id.__getitem__, ids) if a.date]
        return max(stamps, default=None)

    def _feed(self, path: str = urls.HOME) -> str:
        return feed_path(path) if self.config.absolute else ""

    def article_page(self, ident: str) -> Output:
        article = self.linked.library.by_id[ident]
        older, newer = self.linked.neighbours.get(ident, (None, None))
        path = urls.article(ident)
        body = _REF_RE.sub(lambda m: self._ref_href(path, m), article.body_html)
        return self.render(
            "article.html",
            path,
            modified=article.updated or article.date,
            json_ld=Markup(json_ld(self.config, self.linked.library, article)),
            lang=article.lang,
            article=article,
            body=body,
            related=[self.views.article(i) for i in self.linked.related.get(ident, ())],
            older=self.views.article(older) if older else None,
            newer=self.views.article(newer) if newer else None,
        )

    def _ref_href(self, page: str, match: re.Match) -> str:
        target = self.linked.library.by_source[match.group(1)]
        return f'href="{urls.relative(page, urls.article(target))}{match.group(2) or ""}"'

    def list_pages(self) -> Iterator[Output]:
        """Every page except the articles: home, indexes, hubs, archive, 404."""
        cfg, lib, linked = self.config, self.linked.library, self.linked
        latest = [a.id for a in lib.articles[: cfg.per_page.home]]
        yield self.render(
            "home.html", urls.HOME, modified=self._newest(tuple(latest)), feed=self._feed(urls.HOME),
            latest=latest, archive=linked.archive,
        )  # fmt: skip
        yield self.render("authors.html", urls.AUTHORS, items=_counted(lib.authors, linked.by_author))
        for ident, author in lib.authors.items():
            for pager in paginate(linked.by_author.get(ident, ()), cfg.per_page.author):
                path = urls.author(ident, pager.number)
                yield self.render(
                    "author.html", path, modified=self._newest(pager.items), feed=self._feed(urls.author(ident)),
                    author=author, pager=pager,
                    total=len(linked.by_author.get(ident, ())), page_url=partial(urls.author, ident),
                )  # fmt: skip
        yield self.render("topics.html", urls.TOPICS, items=_counted(lib.topics, linked.by_topic))
        for ident, topic in lib.topics.items():
            for pager in paginate(linked.by_topic.get(ident, ()), cfg.per_page.topic):
                path = urls.topic(ident, pager.number)
                yield self.render(
                    "topic.html", path, modified=self._newest(pager.items), feed=self._feed(urls.topic(ident)),
                    topic=topic, pager=pager,
                    total=len(linked.by_topic.get(ident, ())), page_url=partial(urls.topic, ident),
                )  # fmt: skip
        yield self.render("archive.html", urls.ARCHIVE, archive=linked.archive)
        for year, months in linked.archive.years.items():
            yield self.render("archive_year.html", urls.archive_year(year), year=year, months=months, archive=linked.archive)
        for (year, month), ids in linked.archive.months.items():
            for pager in paginate(ids, cfg.per_page.archive):
                path = urls.archive_month(year, month, pager.number)
                yield self.render(
                    "archive_month.html", path, modified=self._newest(pager.items),
                    year=year, month=month, pager=pager, total=len(ids),
                    page_url=partial(urls.archive_month, year, month),
                )  # fmt: skip
        if linked.archive.undated:
            for pager in paginate(linked.archive.undated, cfg.per_page.archive):
                yield self.render(
                    "undated.html", urls.undated(pager.number), pager=pager,
                    total=len(linked.archive.undated), page_url=urls.undated,
                )  # fmt: skip
        yield self.render_not_found()

    def render_not_found(self) -> Output:
        # GitHub Pages serves 404.html at any depth, so its links start at the site root.
        base = self.config.base_path
        html = self.env.get_template("404.html").render(
            v=self.views, link=partial(urls.root_relative, base), entry=partial(self.entry, base), page_path=urls.NOT_FOUND,
            lang=self.config.language, dir=self.config.dir, canonical="", feed="",
        )  # fmt: skip
        return Output(urls.NOT_FOUND, html.encode("utf-8"))


def _counted(items: dict, groups: dict[str, tuple[str, ...]]) -> list[tuple[Any, int]]:
    """Index entries with their article counts, most articles first, then by name."""
    return sorted(((item, len(groups.get(ident, ()))) for ident, item in items.items()), key=lambda p: (-p[1], p[0].name))
