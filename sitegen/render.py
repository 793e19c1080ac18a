"""Render the linked library through the Jinja2 theme into output files.

Template lookup: the site's own templates/ first, then the theme's, so a site
restyles one file without forking the theme.
"""

from __future__ import annotations

import datetime as dt
import re
import traceback
import types
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
from markupsafe import Markup

from . import cite, dataset, urls
from .arabic import format_date, format_number, month_name, slugify
from .config import Config, text_direction
from .content.markdown import REF_SCHEME
from .content.model import Article, Author, Library, Topic
from .errors import Problem, ThemeError, located
from .link import Linked
from .collation import ALPHABET, LETTER_LABELS, initial, sort_key
from .hubs import Hub, by_year
from .metadata import json_ld
from .provenance import provenance
from .publish import feed_path
from .taxonomy import Pager, paginate
from .theme import template_dirs


class Page(NamedTuple):
    """One page to render, named by plain data; what it shows is listed for the build cache.

    A named tuple, not a frozen dataclass: every build plans every page (~12,000 at
    10,000 articles), and a frozen dataclass costs several times as much to make."""

    path: str
    kind: str  # selects Renderer._render_<kind>
    key: tuple = ()  # everything, besides `shows` and `profiles`, that the page displays
    shows: tuple[str, ...] = ()  # ids of the articles whose data the page displays
    profiles: tuple[str, ...] = ()  # "author:<id>" / "topic:<id>" profiles it displays


@dataclass(frozen=True)
class Output:
    path: str  # site path of the page ("articles/x/") or file ("404.html")
    data: bytes
    modified: dt.datetime | None = None  # newest content shown, for the sitemap
    text: str | None = None  # `data` as the text it was encoded from, if it was rendered as text

    def decoded(self) -> str:
        """The output as text, decoded only if it was not rendered as text."""
        return self.data.decode("utf-8") if self.text is None else self.text


def template_problem(exc: jinja2.TemplateError, page: str, root: Path) -> Problem:
    """A template's error as a problem at the template's file (relative to the site's
    `root` when it is the site's own) and line.

    Jinja reports a syntax error's place itself; for an error while rendering
    (an undefined name, say) the place is the innermost template frame of its
    traceback, which Jinja rewrites to point at template lines."""
    file, line = None, None
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        file, line = exc.filename, exc.lineno
    else:
        for frame, frame_line in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename.endswith(".html"):
                file, line = frame.f_code.co_filename, frame_line
    if file is not None and Path(file).is_relative_to(root):
        file = Path(file).relative_to(root).as_posix()
    return Problem(
        located(file, line) if file else "templates",
        f"{type(exc).__name__} while rendering {page or 'the home page'}: {exc.message or exc}",
        "fix the template; a site's own templates/ override the theme's files of the same name, so an old copy may need the theme's changes",
    )


# Private-use characters that no article text carries: a stand-in for "../" runs,
# and for the heading level of a list entry (`Renderer.entry`).
ROOT_MARK = "\ue000root\ue000"
HEADING_MARK = "\ue000heading\ue000"
HEADINGS = frozenset(f"h{n}" for n in range(1, 7))

_REF_RE = re.compile(f'href="{REF_SCHEME}:([^"#]*)(#[^"]*)?"')


ALPHABET_BAR = tuple((letter, LETTER_LABELS.get(letter, letter)) for letter in ALPHABET)


class Views:
    """Read-only helpers the templates call; holds no page state."""

    def __init__(self, library: Library, config: Config):
        self.library = library
        self.config = config
        # (locale, digits) by language: pages ask for a few dates each.
        self._date_styles: dict[str, tuple[str, str]] = {}

    def article(self, ident: str) -> Article:
        return self.library.by_id[ident]

    def authors_of(self, article: Article) -> list[Author]:
        return [self.library.authors[i] for i in self.library.article_authors[article.id]]

    def topics_of(self, article: Article) -> list[Topic]:
        return [self.library.topics[i] for i in self.library.article_topics[article.id]]

    def date(self, value: dt.datetime | None, lang: str = "") -> str:
        if value is None:
            return self.config.labels.undated
        style = self._date_styles.get(lang)
        if style is None:
            style = self._date_styles[lang] = self._date_style(lang or self.config.language)
        return format_date(value.date(), *style)

    def _date_style(self, lang: str) -> tuple[str, str]:
        """The locale and digits that dates in `lang` are written with."""
        locale = self.config.locale if lang.split("-")[0] == self.config.locale.split("_")[0] else lang.replace("-", "_")
        digits = self.config.digits if text_direction(lang) == "rtl" else "latn"
        return locale, digits

    def month(self, year: int, month: int) -> str:
        return month_name(year, month, self.config.locale, self.config.digits)

    def num(self, value: int) -> str:
        return format_number(value, self.config.digits)

    def dir(self, lang: str) -> str:
        return text_direction(lang)


_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def display_url(url: str) -> str:
    """A URL as a reader reads it: percent-escaped UTF-8 letters shown as letters.

    Only for the link text; the href keeps the encoded URL. ASCII, spaces, controls
    and bidi marks stay escaped, and so does anything that is not valid UTF-8, so the
    text never hides or reorders where the link goes.
    """

    def decode(run: re.Match[str]) -> str:
        try:
            text = bytes.fromhex(run.group(0).replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            return run.group(0)
        return "".join(
            c if ord(c) > 0x7F and unicodedata.category(c)[0] not in "CZ" else "".join(f"%{b:02X}" for b in c.encode())
            for c in text
        )

    return _ESCAPES.sub(decode, url)


# Callables that carry Jinja's pass_context (and the like) marker, if at all, in their
# own __dict__, or (bound methods) in their function's; builtins never carry it.
_PLAIN_CALLS = frozenset({partial, types.FunctionType, types.BuiltinFunctionType})


class _Context(jinja2.runtime.Context):
    def call(self, obj: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Jinja's `Context.call`, without its look for a pass_context marker where
        none can be: a page's template makes some 60 calls (link, urls, v, entry),
        and for each Jinja asks the callable and its `__call__` for the marker, two
        failed attribute lookups (each an exception made and dropped)."""
        kind = type(obj)
        if kind is types.MethodType and type(obj.__func__) is types.FunctionType:
            marked = "jinja_pass_arg" in obj.__func__.__dict__
        elif kind in _PLAIN_CALLS:
            marked = "jinja_pass_arg" in getattr(obj, "__dict__", ())
        else:
            marked = True  # anything else (a macro, a callable object): asked as Jinja asks
        if marked:
            return super().call(obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return obj(*args, **kwargs)
        except StopIteration:
            return self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


class _Environment(jinja2.Environment):
    context_class = _Context

    def make_globals(self, d: dict[str, Any] | None) -> dict[str, Any]:
        """A template's globals as one dict, not Jinja's ChainMap over the environment's.

        Each render copies them into a new context and each `{% from … import %}`
        compares their keys: over a ChainMap that is Python code per key, and an
        article page does it five times. The globals are all set before the
        first template loads (Jinja asks as much), so a copy misses nothing.
        """
        return {**self.globals, **(d or {})}


def make_environment(config: Config, compiled: Path | None = None) -> jinja2.Environment:
    """The templates' environment; `compiled`, a folder where compiled templates are
    kept between builds (Jinja checks each against its source before using it)."""
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
    env = _Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(config)]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        # Templates do not change during a build: without this, every get_template
        # stats the file again (15,000 stats per 2,000 articles).
        auto_reload=False,
        # A plain dict: a build loads a few dozen templates, and the default LRU cache
        # takes a lock and reorders a queue on each of a page's five lookups.
        cache_size=-1,
        # Compiling the dozen templates an edit renders took ~0.2 s of its time.
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
    )
    env.globals.update(urls=urls, site=config)
    env.filters["display_url"] = display_url
    return env


class Renderer:
    def __init__(self, linked: Linked, config: Config, compiled: Path | None = None):
        self.config = config
        self.linked = linked
        self.views = Views(linked.library, config)
        self.env = make_environment(config, compiled)
        # An entry's markup is rendered once per article with markers where the way
        # back to the site root and the heading level go; each page then puts in its own.
        self._entries: dict[str, str] = {}
        # Partials that show nothing of their page (the site's header and footer),
        # by template and way back to the root; see `shared`.
        self._shared: dict[tuple[str, str], Markup] = {}
        # Each article's record as the data page holds it, by id, when the build has them
        # already (dataset.record_texts); the data page makes any that are missing.
        self.record_texts: dict[str, str] = {}

    def entry(self, root: str, ident: str, heading: str = "h3") -> Markup:
        """An article's list entry, its title under `heading` (h1 to h6): rendered once
        per article whatever the level, as lists of every level show the same articles."""
        if heading not in HEADINGS:
            raise ValueError(f"an entry's heading is h1 to h6, not {heading!r}")
        html = self._entries.get(ident)
        if html is None:
            html = self._entries[ident] = self.env.get_template("_entry.html").render(
                v=self.views, link=partial(urls.from_root, ROOT_MARK), article=self.linked.library.by_id[ident], heading=HEADING_MARK
            )
        return Markup(html.replace(ROOT_MARK, root).replace(HEADING_MARK, heading))

    def shared(self, root: str, link: Callable[[str], str], template: str) -> Markup:
        """A partial that is the same on every page of a depth, rendered once per root.

        `link` must be the page's own (it leads back to the site root through `root`);
        the partial sees `site`, `urls`, `v` and `link`, so it cannot differ by page.
        """
        key = (template, root)
        html = self._shared.get(key)
        if html is None:
            html = self._shared[key] = Markup(self.env.get_template(template).render(v=self.views, link=link))
        return html

    def render(self, template: str, path: str, modified: dt.datetime | None = None, feed: str = "", **context: Any) -> Output:
        root = urls.prefix(path)
        link: Callable[[str], str] = partial(urls.from_root, root)
        lang = context.pop("lang", self.config.language)
        html = self.env.get_template(template).render(
            v=self.views, link=link, entry=partial(self.entry, root), shared=partial(self.shared, root, link), page_path=path, lang=lang,
            dir=text_direction(lang), canonical=self._canonical(path), feed=feed or self._feed(),
            asset=partial(urls.asset, root), **context,
        )  # fmt: skip
        return Output(path, html.encode("utf-8"), modified, html)

    def _canonical(self, path: str) -> str:
        return urls.absolute(self.config.base_url, path) if self.config.absolute else ""

    def _newest(self, ids: tuple[str, ...]) -> dt.datetime | None:
        """The latest change among the articles a page shows (an edit counts)."""
        stamps = [a.updated or a.date for a in map(self.linked.library.by_id.__getitem__, ids) if a.date]
        return max(stamps, default=None)

    def _feed(self, path: str = urls.HOME) -> str:
        return feed_path(path) if self.config.absolute else ""

    def pages(self) -> list[Page]:
        """Every page of the site, planned without rendering anything."""
        cfg, lib, linked = self.config, self.linked.library, self.linked
        plan: list[Page] = []
        latest = tuple(a.id for a in lib.articles[: cfg.per_page.home])
        plan.append(Page(urls.HOME, "home", (), latest))
        for path, order in ((urls.AUTHORS, "name"), (urls.AUTHORS_BY_COUNT, "count")):
            plan.append(Page(path, "authors", (order, _counts(lib.authors, linked.by_author)), (), tuple(f"author:{i}" for i in lib.authors)))
        for ident in lib.authors:
            for pager in paginate(linked.by_author.get(ident, ()), cfg.per_page.author):
                hub = linked.author_hubs[ident]
                key = (ident, pager.number, pager.count, len(linked.by_author.get(ident, ())), hub)
                names = (f"author:{ident}", *(f"topic:{t}" for t, _ in hub.top))
                plan.append(Page(urls.author(ident, pager.number), "author", key, pager.items, names))
        for path, order in ((urls.TOPICS, "name"), (urls.TOPICS_BY_COUNT, "count")):
            plan.append(Page(path, "topics", (order, _counts(lib.topics, linked.by_topic)), (), tuple(f"topic:{i}" for i in lib.topics)))
        for ident in lib.topics:
            for pager in paginate(linked.by_topic.get(ident, ()), cfg.per_page.topic):
                hub = linked.topic_hubs[ident]
                key = (ident, pager.number, pager.count, len(linked.by_topic.get(ident, ())), hub)
                names = (f"topic:{ident}", *(f"author:{a}" for a, _ in hub.top), *(f"topic:{t}" for t, _ in hub.companions))
                plan.append(Page(urls.topic(ident, pager.number), "topic", key, pager.items, names))
        months = tuple((y, m, len(ids)) for (y, m), ids in linked.archive.months.items())
        plan.append(Page(urls.ARCHIVE, "archive", (months, len(linked.archive.undated))))
        for year in linked.archive.years:
            plan.append(Page(urls.archive_year(year), "archive_year", (year, tuple(m for m in months if m[0] == year))))
        for (year, month), ids in linked.archive.months.items():
            for pager in paginate(ids, cfg.per_page.archive):
                key = (year, month, pager.number, pager.count, len(ids))
                plan.append(Page(urls.archive_month(year, month, pager.number), "archive_month", key, pager.items))
        if linked.archive.undated:
            for pager in paginate(linked.archive.undated, cfg.per_page.archive):
                key = (pager.number, pager.count, len(linked.archive.undated))
                plan.append(Page(urls.undated(pager.number), "undated", key, pager.items))
        plan.append(Page(urls.SEARCH, "search"))
        plan.append(Page(urls.NOT_FOUND, "not_found"))
        for article in lib.articles:
            ident = article.id
            older, newer = linked.neighbours.get(ident, (None, None))
            refs = tuple(lib.by_source[r] for r in article.refs)
            related, backlinks = linked.related.get(ident, ()), linked.backlinks.get(ident, ())
            teasers = tuple(t.target for t in linked.teasers.get(ident, ()))  # None: shown as the article wrote it
            shows = (ident, *related, *(n for n in (older, newer) if n), *refs, *(t for t in teasers if t), *backlinks)
            # The ids in the key too: which articles a page lists is data, not only their contents.
            key = (ident, related, teasers, backlinks)
            plan.append(Page(urls.article(ident), "article", key, tuple(dict.fromkeys(shows))))
        plan.extend(self._data_pages())
        plan.extend(self._alias_pages())
        return plan

    def _data_pages(self) -> list[Page]:
        ids = tuple(a.id for a in self.linked.library.articles)
        parts = dataset.shards(ids)
        if len(parts) == 1:
            return [Page(urls.DATA, "data", (), ids)]
        pages = [Page(urls.DATA, "data", tuple(len(p) for p in parts))]
        return pages + [Page(urls.data_shard(n), "data_shard", (part,), part) for n, part in enumerate(parts, 1)]

    def _alias_pages(self) -> list[Page]:
        """A variant spelling's URL leads to the one page its profile folds it into."""
        lib, pages = self.linked.library, []
        for items, url_for, kind in ((lib.authors, urls.author, "author"), (lib.topics, urls.topic, "topic")):
            for ident, profile in items.items():
                for alias in profile.aliases:
                    slug = slugify(alias)
                    if slug != ident and slug not in items:
                        pages.append(Page(url_for(slug), "redirect", (url_for(ident), alias), (), (f"{kind}:{ident}",)))
        return pages

    def render_page(self, page: Page) -> Output:
        try:
            return getattr(self, f"_render_{page.kind}")(page)
        except jinja2.TemplateError as exc:  # a site's own template, most likely: named, not a traceback
            raise ThemeError(template_problem(exc, page.path, self.config.root)) from None

    def _render_article(self, page: Page) -> Output:
        ident = page.key[0]
        article = self.linked.library.by_id[ident]
        older, newer = self.linked.neighbours.get(ident, (None, None))
        body = _REF_RE.sub(lambda m: self._ref_href(page.path, m), article.body_html)
        citation = cite.citation(self.config, self.linked.library, article)
        return self.render(
            "article.html",
            page.path,
            modified=article.updated or article.date,
            json_ld=Markup(json_ld(self.config, self.linked.library, article)),
            lang=article.lang,
            article=article,
            body=body,
            related=[self.views.article(i) for i in self.linked.related.get(ident, ())],
            related_ids=self.linked.related.get(ident, ()),
            teasers=self.linked.teasers.get(ident, ()),
            backlinks=self.linked.backlinks.get(ident, ()),
            citation=citation,
            cite_downloads=cite.downloads(citation),
            provenance=provenance(article),
            older=self.views.article(older) if older else None,
            newer=self.views.article(newer) if newer else None,
        )

    def _ref_href(self, page: str, match: re.Match) -> str:
        target = self.linked.library.by_source[match.group(1)]
        return f'href="{urls.relative(page, urls.article(target))}{match.group(2) or ""}"'

    def _render_home(self, page: Page) -> Output:
        return self.render("home.html", page.path, modified=self._newest(page.shows), feed=self._feed(urls.HOME), latest=page.shows)

    def _render_data(self, page: Page) -> Output:
        return Output(page.path, dataset.index_file(self.config, self.linked.library, self.record_texts))

    def _render_data_shard(self, page: Page) -> Output:
        return Output(page.path, dataset.shard_file(self.config, self.linked.library, page.shows))

    def _render_redirect(self, page: Page) -> Output:
        target, alias = page.key
        return self.render("redirect.html", page.path, target=target, alias=alias, target_canonical=self._canonical(target))

    def _render_authors(self, page: Page) -> Output:
        return self._render_index(page, "authors.html", self.linked.library.authors)

    def _render_topics(self, page: Page) -> Output:
        return self._render_index(page, "topics.html", self.linked.library.topics)

    def _render_index(self, page: Page, template: str, profiles: dict) -> Output:
        order, counts = page.key
        items = _counted(profiles, counts, order)
        return self.render(template, page.path, items=items, order=order, anchors=_anchors(items), alphabet=ALPHABET_BAR)

    def _render_author(self, page: Page) -> Output:
        return self._render_hub(page, "author", self.linked.library.authors, urls.author)

    def _render_topic(self, page: Page) -> Output:
        return self._render_hub(page, "topic", self.linked.library.topics, urls.topic)

    def _render_hub(self, page: Page, kind: str, profiles: dict, url_for: Callable[..., str]) -> Output:
        """An author's or a topic's page: the template names its profile `author` or `topic`."""
        ident, number, count, total, hub = page.key
        groups = by_year(self.linked.library, page.shows)
        per_page = getattr(self.config.per_page, kind)
        return self.render(
            f"{kind}.html", page.path, modified=self._newest(page.shows), feed=self._feed(url_for(ident)),
            pager=Pager(page.shows, number, count), total=total, page_url=partial(url_for, ident), hub=hub, groups=groups,
            year_pages=_year_pages(hub, per_page, {year for year, _ in groups}, partial(url_for, ident)), **{kind: profiles[ident]},
        )  # fmt: skip

    def _render_archive(self, page: Page) -> Output:
        return self.render("archive.html", page.path, archive=self.linked.archive)

    def _render_archive_year(self, page: Page) -> Output:
        year, months = page.key
        return self.render(
            "archive_year.html", page.path, year=year, months=[(y, m) for y, m, _ in months], archive=self.linked.archive
        )

    def _render_archive_month(self, page: Page) -> Output:
        year, month, number, count, total = page.key
        return self.render(
            "archive_month.html", page.path, modified=self._newest(page.shows), year=year, month=month,
            pager=Pager(page.shows, number, count), total=total, page_url=partial(urls.archive_month, year, month),
        )  # fmt: skip

    def _render_undated(self, page: Page) -> Output:
        number, count, total = page.key
        return self.render("undated.html", page.path, pager=Pager(page.shows, number, count), total=total, page_url=urls.undated)

    def _render_search(self, page: Page) -> Output:
        return self.render("search.html", page.path)

    def _render_not_found(self, page: Page) -> Output:
        # GitHub Pages serves 404.html at any depth, so its links start at the site root.
        base = self.config.base_path
        link = partial(urls.root_relative, base)
        html = self.env.get_template("404.html").render(
            v=self.views, link=link, entry=partial(self.entry, base), shared=partial(self.shared, base, link), page_path=page.path,
            lang=self.config.language, dir=self.config.dir, canonical="", feed="", asset=partial(urls.asset, base),
        )  # fmt: skip
        return Output(page.path, html.encode("utf-8"))


def _year_pages(hub: Hub, per_page: int, here: set[int | None], page_url: Callable[[int], str]) -> dict[int, str]:
    """The page on which each year of a hub's list begins, for the years this page
    does not show: its list of years active links each year to its articles, which
    for most years are on another page. The list is newest first, undated last."""
    pages, before = {}, 0
    for year, count in hub.years:
        if year not in here:
            pages[year] = page_url(before // per_page + 1)
        before += count
    return pages


def _counts(items: dict, groups: dict[str, tuple[str, ...]]) -> tuple[tuple[str, int], ...]:
    return tuple((ident, len(groups.get(ident, ()))) for ident in items)


def _counted(items: dict, counts: tuple[tuple[str, int], ...], order: str) -> list[tuple[Any, int]]:
    """Index entries with their article counts: by name (Arabic order), or most articles first."""
    entries = [(items[ident], count) for ident, count in counts]
    if order == "count":
        return sorted(entries, key=lambda p: (-p[1], sort_key(p[0].name)))
    return sorted(entries, key=lambda p: sort_key(p[0].name))


def _anchors(items: list[tuple[Any, int]]) -> dict[str, str]:
    """The jump bar: the id of the first entry (in Arabic order) filed under each initial."""
    first: dict[str, str] = {}
    for item, _count in sorted(items, key=lambda p: sort_key(p[0].name)):
        first.setdefault(initial(item.name), item.id)
    return {ident: letter for letter, ident in first.items()}
