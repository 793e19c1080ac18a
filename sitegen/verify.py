"""Every internal link of the built site must land on a file the build wrote."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from urllib.parse import unquote, urlsplit

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


class LinkLedger:
    """Links wanted by pages as they are written, checked once all files exist."""

    def __init__(self) -> None:
        self.wanted: dict[str, tuple[str, str]] = {}

    def add(self, file: str, links: Iterable[tuple[str, str]]) -> None:
        """Record a page's links: (output file needed, href as written), from `internal_links`."""
        for target, href in links:
            self.wanted.setdefault(target, (file, href))

    def broken(self, files: set[str]) -> list[Problem]:
        return [
            Problem(page, f"links to {href}, which the build does not write", "fix the link or the template that makes it")
            for target, (page, href) in sorted(self.wanted.items())
            if target not in files
        ]
