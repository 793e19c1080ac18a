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
from xml.etree import ElementTree as ET

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

    Only folder pages: not the citations and data files beside them, nor the index
    pages re-sorted by count (the same list as the folder's own page). Not the 404
    page, and not redirects: an alias's URL only sends readers on to its profile's
    page, which is the one to index.
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
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for path, modified in pages:
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = urls.absolute(config.base_url, path)
        if modified:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = modified.isoformat()
    return _xml(root)


def _sitemap_index(config: Config, names: list[str]) -> bytes:
    ET.register_namespace("", SITEMAP)
    index = ET.Element(f"{{{SITEMAP}}}sitemapindex")
    for name in names:
        ET.SubElement(ET.SubElement(index, f"{{{SITEMAP}}}sitemap"), f"{{{SITEMAP}}}loc").text = urls.absolute(config.base_url, name)
    return _xml(index)


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
