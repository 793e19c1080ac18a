"""Every internal link of the built site must land on a file the build wrote."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import unquote, urlsplit

import orjson

from . import urls
from .errors import Problem

# A literal start, not an alternation ((?:href|src)=): the engine then skips to each
# candidate at C speed, where an alternation is tried at every character of a page.
_LINK_VALUES = (re.compile(r'href="([^"]*)"'), re.compile(r'src="([^"]*)"'))


def _link_values(html: str) -> set[str]:
    """The value of every href="…" and src="…" in a page."""
    found = set(_LINK_VALUES[0].findall(html))
    found.update(_LINK_VALUES[1].findall(html))
    return found


# Starts of links that lead out of the site (or nowhere: a fragment) wherever they are.
_NEVER_INTERNAL = ("data:", "https://", "http://", "mailto:", "tel:", "#")


def internal_links(path: str, html: str, base_path: str = "/") -> Iterator[tuple[str, str]]:
    """(output file the link needs, the href as written) for each internal link.

    Root-relative links ("/archive/x/") count when they start with the site's
    base path; any other one points outside the site and can never resolve.
    """
    base = path if path.endswith("/") or path == "" else posixpath.dirname(path) + "/"
    root = urls.prefix(base)
    for href in _link_values(html):
        if href.startswith(_NEVER_INTERNAL):
            continue  # not remembered: a citation's data: URL is a kilobyte, and on one page only
        target = _made_target(root, href)
        if target is None:
            yield from _target(base, base_path, href)
        elif target:
            yield target, href


@functools.lru_cache(maxsize=1 << 14)  # ~10 MB at most; what pages repeat most (menu, bylines, topics) stays
def _made_target(root: str, href: str) -> str | None:
    """The file a link made by urls.relative needs (the common case: no URL parsing),
    to a place in that page too (a years-active link's `…/page/3/#year-2018`); ""
    for one that is no internal link wherever it is (another site, a `data:` URL, a
    fragment); None for any other, which the page's own path decides. Remembered:
    a site's pages repeat their links (menu, bylines, topics, lists, permalinks),
    and `root` is the same on every page of a depth."""
    path = href.partition("#")[0]  # the file is the same whatever place in it is linked
    if path.startswith(root) and "../" not in path[len(root) :] and "%" not in path:
        rest = path[len(root) :]
        if rest and not rest.startswith(("/", "?", ".")) and ":" not in rest.split("/", 1)[0]:
            return urls.output_file(rest) if rest.endswith("/") else rest
    parts = urlsplit(href)
    return "" if parts.scheme or parts.netloc or not parts.path else None


def _target(base: str, base_path: str, href: str) -> Iterator[tuple[str, str]]:
    """The (file, href) of an internal link that `_made_target` leaves to the page's path."""
    parts = urlsplit(href)
    link_path = unquote(parts.path)
    if link_path.startswith("/"):
        if not link_path.startswith(base_path):
            yield f"(outside {base_path}){link_path}", href
            return
        link_path = "/" + link_path[len(base_path) :]
    target = posixpath.normpath(posixpath.join("/" + base, link_path)).lstrip("/")
    if parts.path.endswith("/") or target == "":
        target = urls.output_file(target + "/" if target else "")
    yield target, href


def links_text(links: Iterable[tuple[str, str]]) -> str:
    """A page's links (`internal_links`, sorted) as the build cache keeps them.

    Made where the page is rendered: the build's own process then receives one string
    a page for the cache (beside the distinct files linked to, for its link check), not
    a pair of strings a link, and saves it as it is. At 10,000 articles encoding the
    42,000 files' links (with the citation files of the time) took ~0.45 s of the
    save, after everything else."""
    return orjson.dumps(list(links)).decode("utf-8")


def read_links(text: str) -> list[tuple[str, str]]:
    """The (target, href) pairs of a `links_text`."""
    return [(target, href) for target, href in orjson.loads(text)]


class LinkLedger:
    """The files pages link to, checked once all files exist."""

    def __init__(self) -> None:
        self.wanted: dict[str, str] = {}  # target: the first page that links to it

    def add(self, file: str, targets: Iterable[str]) -> None:
        """Record the files a page links to (the targets of its `internal_links`)."""
        for target in targets:
            self.wanted.setdefault(target, file)

    def broken(self, files: set[str], links_of: Callable[[str], str]) -> list[Problem]:
        """A problem for each file linked to that is not among `files`; `links_of`
        gives a page's `links_text`, read only to quote a broken link as written."""
        problems = []
        for target, page in sorted(self.wanted.items()):
            if target not in files:
                href = next((h for t, h in read_links(links_of(page)) if t == target), target)
                problems.append(Problem(page, f"links to {href}, which the build does not write", "fix the link or the template that makes it"))
        return problems
