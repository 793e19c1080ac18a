"""The one place that knows URLs and output paths.

Pages are addressed by site paths relative to the site root ("articles/x/").
Links between pages are written relative to the page that holds them, so one
`public/` works under any base path.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

HOME = ""
AUTHORS = "authors/"
TOPICS = "topics/"
ARCHIVE = "archive/"
UNDATED = "archive/undated/"
NOT_FOUND = "404.html"


def paged(path: str, page: int) -> str:
    return path if page <= 1 else f"{path}page/{page}/"


def article(article_id: str) -> str:
    return f"articles/{article_id}/"


def author(author_id: str, page: int = 1) -> str:
    return paged(f"{AUTHORS}{author_id}/", page)


def topic(topic_id: str, page: int = 1) -> str:
    return paged(f"{TOPICS}{topic_id}/", page)


def archive_year(year: int) -> str:
    return f"{ARCHIVE}{year}/"


def archive_month(year: int, month: int, page: int = 1) -> str:
    return paged(f"{ARCHIVE}{year}/{month:02d}/", page)


def undated(page: int = 1) -> str:
    return paged(UNDATED, page)


def static(name: str) -> str:
    return f"static/{name}"


def output_file(path: str) -> str:
    """The file a site path is written to."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def relative(from_path: str, to_path: str) -> str:
    """A link from the page at from_path to to_path."""
    from_dir = from_path if from_path.endswith("/") or from_path == "" else posixpath.dirname(from_path) + "/"
    fragment = ""
    if "#" in to_path:
        to_path, fragment = to_path.split("#", 1)
        fragment = "#" + fragment
    rel = posixpath.relpath("/" + to_path, "/" + from_dir)
    if to_path.endswith("/") or to_path == "":
        rel = "./" if rel == "." else rel + "/"
    return rel + fragment


def absolute(base_url: str, path: str) -> str:
    """A full URL for feeds and canonical links; non-ASCII is percent-encoded."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return base + quote(path, safe="/#")


def root_relative(base_path: str, path: str) -> str:
    """A link that works from any depth (the 404 page is served at every depth)."""
    return base_path + path
