"""The files that make a site publishable: Atom feeds (archive, each author, each
topic), the sitemap, robots.txt, CNAME and .nojekyll for GitHub Pages.

Everything here uses absolute URLs built from base_url, and dates taken from
the articles themselves (never the build time), so builds stay reproducible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from . import urls
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


def feed_path(page_path: str) -> str:
    """The feed that belongs to a page: its folder's feed.xml."""
    return f"{page_path}feed.xml"


def _stamp(article: Article) -> dt.datetime:
    return article.updated or article.date or _EPOCH


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def atom_feed(config: Config, library: Library, page_path: str, title: str, ids: Iterable[str]) -> bytes:
    ET.register_namespace("", ATOM)
    entries = [library.by_id[i] for i in ids][: config.feed_entries]
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": config.language})
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = urls.absolute(config.base_url, page_path)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": urls.absolute(config.base_url, page_path)})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": urls.absolute(config.base_url, feed_path(page_path))})
    newest = max((_stamp(a) for a in entries), default=_EPOCH)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = newest.isoformat()
    if config.publisher.name:
        author = ET.SubElement(feed, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = config.publisher.name
    for article in entries:
        link = urls.absolute(config.base_url, urls.article(article.id))
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry", {"xml:lang": article.lang} if article.lang != config.language else {})
        ET.SubElement(entry, f"{{{ATOM}}}title").text = article.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = link
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
        if article.date:
            ET.SubElement(entry, f"{{{ATOM}}}published").text = article.date.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(article).isoformat()
        for author_id in library.article_authors[article.id]:
            author = ET.SubElement(entry, f"{{{ATOM}}}author")
            ET.SubElement(author, f"{{{ATOM}}}name").text = library.authors[author_id].name
            ET.SubElement(author, f"{{{ATOM}}}uri").text = urls.absolute(config.base_url, urls.author(author_id))
        for topic_id in library.article_topics[article.id]:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": library.topics[topic_id].name})
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = article.summary or article.title
    return _xml(feed)


def feeds(config: Config, linked: Linked) -> Iterator[tuple[str, bytes]]:
    """(output file, bytes) for every feed."""
    library = linked.library
    yield feed_path(urls.HOME), atom_feed(config, library, urls.HOME, config.title, (a.id for a in library.articles))
    for ident, author in library.authors.items():
        path = urls.author(ident)
        yield feed_path(path), atom_feed(config, library, path, f"{author.name} · {config.title}", linked.by_author.get(ident, ()))
    for ident, topic in library.topics.items():
        path = urls.topic(ident)
        yield feed_path(path), atom_feed(config, library, path, f"{topic.name} · {config.title}", linked.by_topic.get(ident, ()))


def listed_pages(pages: Iterable[Page], written: Mapping[str, KnownPage | CachedPage]) -> list[tuple[str, dt.datetime | None]]:
    """(site path, last modified) of the pages a sitemap lists, in file order.

    Not the 404 page, and not redirects: an alias's URL only sends readers on
    to its profile's page, which is the one to index.
    """
    unlisted = {urls.output_file(p.path) for p in pages if p.kind == "redirect"} | {urls.NOT_FOUND}
    return [(f.removesuffix("index.html"), p.modified) for f, p in sorted(written.items()) if f not in unlisted]


def sitemaps(config: Config, pages: Iterable[tuple[str, dt.datetime | None]]) -> Iterator[tuple[str, bytes]]:
    """sitemap.xml, or a sitemap index with numbered parts past the protocol's limit."""
    ET.register_namespace("", SITEMAP)
    # Folder pages only: not the citations and data files beside them, nor the index
    # pages re-sorted by count (the same list as the folder's own page).
    listed = [(path, modified) for path, modified in pages if path == "" or path.endswith("/")]
    chunks = [listed[i : i + SITEMAP_LIMIT] for i in range(0, len(listed), SITEMAP_LIMIT)] or [[]]
    names = ["sitemap.xml"] if len(chunks) == 1 else [f"sitemap-{n}.xml" for n in range(1, len(chunks) + 1)]
    for name, chunk in zip(names, chunks):
        root = ET.Element(f"{{{SITEMAP}}}urlset")
        for path, modified in chunk:
            url = ET.SubElement(root, f"{{{SITEMAP}}}url")
            ET.SubElement(url, f"{{{SITEMAP}}}loc").text = urls.absolute(config.base_url, path)
            if modified:
                ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = modified.isoformat()
        yield name, _xml(root)
    if len(chunks) > 1:
        index = ET.Element(f"{{{SITEMAP}}}sitemapindex")
        for name in names:
            ET.SubElement(ET.SubElement(index, f"{{{SITEMAP}}}sitemap"), f"{{{SITEMAP}}}loc").text = urls.absolute(config.base_url, name)
        yield "sitemap.xml", _xml(index)


def robots(config: Config) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(config.base_url, 'sitemap.xml')}\n".encode()


def publishing_files(config: Config, linked: Linked, pages: Iterable[tuple[str, dt.datetime | None]]) -> Iterator[tuple[str, bytes]]:
    """Feeds and sitemaps need absolute URLs, so they come only with an absolute base_url."""
    yield ".nojekyll", b""  # GitHub Pages would otherwise skip files starting with _
    if config.domain:
        yield "CNAME", config.domain.encode() + b"\n"
    if config.absolute:
        yield from feeds(config, linked)
        yield from sitemaps(config, pages)
        yield "robots.txt", robots(config)
