"""Every internal link of the built site must land on a file the build wrote."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import unquote, urlsplit

import orjson

from . import urls
from .errors import Problem

_LINK_ATTRIBUTES = ('href="', 'src="')


def _link_values(html: str) -> set[str]:
    """The value of every href="…" and src="…" in a page.

    str.find rather than a regular expression: an alternation is tried at each
    of a page's characters, and took a tenth of an article's render time."""
    found = set()
    for marker in _LINK_ATTRIBUTES:
        at = html.find(marker)
        while at >= 0:
            start = at + len(marker)
            end = html.find('"', start)
            if end < 0:
                break
            found.add(html[start:end])
            at = html.find(marker, end + 1)
    return found


def internal_links(path: str, html: str, base_path: str = "/") -> Iterator[tuple[str, str]]:
    """(output file the link needs, the href as written) for each internal link.

    Root-relative links ("/archive/x/") count when they start with the site's
    base path; any other one points outside the site and can never resolve.
    """
    base = path if path.endswith("/") or path == "" else posixpath.dirname(path) + "/"
    root = urls.prefix(base)
    for href in _link_values(html):
        if href.startswith(root) and "../" not in href[len(root) :] and "#" not in href and "%" not in href:
            # The common case, a link made by urls.relative: no URL parsing needed.
            rest = href[len(root) :]
            if rest and not rest.startswith(("/", "#", "?", ".")) and ":" not in rest.split("/", 1)[0]:
                yield urls.output_file(rest) if rest.endswith("/") else rest, href
                continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        link_path = unquote(parts.path)
        if link_path.startswith("/"):
            if not link_path.startswith(base_path):
                yield f"(outside {base_path}){link_path}", href
                continue
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
