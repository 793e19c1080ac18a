"""The files that make a site publishable: Atom feeds (archive, each author, each
topic), the sitemap, robots.txt, CNAME and .nojekyll for GitHub Pages.

Everything here uses absolute URLs built from base_url, and dates taken from
the articles themselves (never the build time), so builds stay reproducible.

Each file comes with a fingerprint of everything it shows, and its bytes are
made only when asked for: a rebuild keeps every file whose fingerprint stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from . import urls
from .cache import digest
from .config import Config
from .content.model import Article, Library
from .link import Linked

if TYPE_CHECKING:  # render imports this module (feed_path)
    from .cache import CachedPage, KnownPage
    from .render import Page


ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_LIMIT = 50_000  # URLs per sitemap file, the protocol's limit

_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Publishing:
    file: str
    fingerprint: str  # of everything the file shows, and the code that writes it
    make: Callable[[], bytes]


def feed_path(page_path: str) -> str:
    """The feed that belongs to a page: its folder's feed.xml."""
    return f"{page_path}feed.xml"


def _stamp(article: Article) -> dt.datetime:
    return article.updated or article.date or _EPOCH


# An element: tag, attributes, and either its text or its children. Written straight
# to text in the layout ElementTree gave with ET.indent (the same bytes, so a rebuild
# leaves every feed as it was): the 10,000-article bench's feeds and sitemaps took
# 2.35 s of CPU as Element trees, 1.65 s as text, and a 100,000-article build's
# publishing, which runs alone, went from 30.7 to 21.0 s.
Node = tuple[str, tuple[tuple[str, str], ...], "str | list[Node]"]


def _cdata(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attrib(text: str) -> str:
    # Line ends and tabs as character references: a parser would normalise them away.
    text = _cdata(text).replace('"', "&quot;")
    return text.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


def _write(out: list[str], node: Node, level: int, namespace: str = "") -> None:
    tag, attrs, body = node
    pad = "  " * level
    head = pad + "<" + tag + (f' xmlns="{namespace}"' if namespace else "") + "".join(f' {k}="{_attrib(v)}"' for k, v in attrs)
    if isinstance(body, list) and body:
        out.append(head + ">")
        for child in body:
            _write(out, child, level + 1)
        out.append(f"{pad}</{tag}>")
    elif body:  # text; an element with no text and no children closes itself
        out.append(f"{head}>{_cdata(body)}</{tag}>")
    else:
        out.append(head + " />")


def _xml(root: Node, namespace: str) -> bytes:
    out = ["<?xml version='1.0' encoding='utf-8'?>"]
    _write(out, root, 0, namespace)
    out.append("")
    return "\n".join(out).encode("utf-8")


def atom_feed(config: Config, library: Library, page_path: str, title: str, ids: Iterable[str]) -> bytes:
    entries = [library.by_id[i] for i in ids][: config.feed_entries]
    here = urls.absolute(config.base_url, page_path)
    newest = max((_stamp(a) for a in entries), default=_EPOCH)
    feed: list[Node] = [
        ("title", (), title),
        ("id", (), here),
        ("link", (("rel", "alternate"), ("href", here)), ""),
        ("link", (("rel", "self"), ("href", urls.absolute(config.base_url, feed_path(page_path)))), ""),
        ("updated", (), newest.isoformat()),
    ]
    if config.publisher.name:
        feed.append(("author", (), [("name", (), config.publisher.name)]))
    for article in entries:
        link = urls.absolute(config.base_url, urls.article(article.id))
        entry: list[Node] = [("title", (), article.title), ("id", (), link), ("link", (("rel", "alternate"), ("href", link)), "")]
        if article.date:
            entry.append(("published", (), article.date.isoformat()))
        entry.append(("updated", (), _stamp(article).isoformat()))
        for author_id in library.article_authors[article.id]:
            author_url = urls.absolute(config.base_url, urls.author(author_id))
            entry.append(("author", (), [("name", (), library.authors[author_id].name), ("uri", (), author_url)]))
        entry += [("category", (("term", library.topics[t].name),), "") for t in library.article_topics[article.id]]
        entry.append(("summary", (), article.summary or article.title))
        lang = (("xml:lang", article.lang),) if article.lang != config.language else ()
        feed.append(("entry", lang, entry))
    return _xml(("feed", (("xml:lang", config.language),), feed), ATOM)


def feeds(config: Config, linked: Linked, code: str, shown: Mapping[str, str]) -> Iterator[Publishing]:
    """Every feed; `shown` is each article's digest as others show it (fingerprint.article_digests)."""
    library = linked.library
    yield _feed(config, library, code, shown, urls.HOME, config.title, [a.id for a in library.articles])
    for ident, author in library.authors.items():
        title = f"{author.name} · {config.title}"
        yield _feed(config, library, code, shown, urls.author(ident), title, linked.by_author.get(ident, ()))
    for ident, topic in library.topics.items():
        title = f"{topic.name} · {config.title}"
        yield _feed(config, library, code, shown, urls.topic(ident), title, linked.by_topic.get(ident, ()))


def _feed(config: Config, library: Library, code: str, shown: Mapping[str, str], path: str, title: str, ids: Iterable[str]) -> Publishing:
    # Only the entries it lists: an edit to an older article leaves the feed as it was.
    entries = list(ids)[: config.feed_entries]
    key = digest(code, path, title, *(f"{i}:{shown[i]}" for i in entries))
    return Publishing(feed_path(path), key, partial(atom_feed, config, library, path, title, entries))


def listed_pages(pages: Iterable[Page], written: Mapping[str, KnownPage | CachedPage]) -> list[tuple[str, dt.datetime | None]]:
    """(site path, last modified) of the pages a sitemap lists, in file order.

    Only folder pages: not the data files, nor the index pages re-sorted by count
    (the same list as the folder's own page). Not the 404 page, and not redirects:
    an alias's URL only sends readers on to its profile's page, which is the one to
    index.
    """
    unlisted = {urls.output_file(p.path) for p in pages if p.kind == "redirect"} | {urls.NOT_FOUND}
    # Filtered before sorting: a quarter of the files of a 10,000-article site.
    folders = sorted(f for f in written if (f == "index.html" or f.endswith("/index.html")) and f not in unlisted)
    return [(f.removesuffix("index.html"), written[f].modified) for f in folders]


def sitemaps(config: Config, code: str, pages: list[tuple[str, dt.datetime | None]]) -> Iterator[Publishing]:
    """sitemap.xml, or a sitemap index with numbered parts past the protocol's limit."""
    chunks = [pages[i : i + SITEMAP_LIMIT] for i in range(0, len(pages), SITEMAP_LIMIT)] or [[]]
    names = ["sitemap.xml"] if len(chunks) == 1 else [f"sitemap-{n}.xml" for n in range(1, len(chunks) + 1)]
    for name, chunk in zip(names, chunks):
        key = digest(code, name, *(f"{path}\0{modified.isoformat() if modified else ''}" for path, modified in chunk))
        yield Publishing(name, key, partial(_urlset, config, chunk))
    if len(chunks) > 1:
        yield Publishing("sitemap.xml", digest(code, *names), partial(_sitemap_index, config, names))


def _urlset(config: Config, pages: list[tuple[str, dt.datetime | None]]) -> bytes:
    found: list[Node] = []
    for path, modified in pages:
        url: list[Node] = [("loc", (), urls.absolute(config.base_url, path))]
        if modified:
            url.append(("lastmod", (), modified.isoformat()))
        found.append(("url", (), url))
    return _xml(("urlset", (), found), SITEMAP)


def _sitemap_index(config: Config, names: list[str]) -> bytes:
    found: list[Node] = [("sitemap", (), [("loc", (), urls.absolute(config.base_url, name))]) for name in names]
    return _xml(("sitemapindex", (), found), SITEMAP)


def robots(config: Config) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(config.base_url, 'sitemap.xml')}\n".encode()


def publishing_files(
    config: Config, linked: Linked, pages: list[tuple[str, dt.datetime | None]], site: str, shown: Mapping[str, str]
) -> Iterator[Publishing]:
    """Feeds and sitemaps need absolute URLs, so they come only with an absolute base_url.

    `pages` as `listed_pages` gives them; `site` is the digest of what every page reads
    (fingerprint.site_digest), which covers the config."""
    code = digest(site, Path(__file__).read_bytes())
    yield Publishing(".nojekyll", code, lambda: b"")  # GitHub Pages would otherwise skip files starting with _
    if config.domain:
        yield Publishing("CNAME", code, lambda: config.domain.encode() + b"\n")
    if config.absolute:
        yield from feeds(config, linked, code, shown)
        yield from sitemaps(config, code, pages)
        yield Publishing("robots.txt", code, partial(robots, config))
