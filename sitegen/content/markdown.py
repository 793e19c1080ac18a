"""Markdown to safe HTML: CommonMark, tables, footnotes, Arabic-safe heading ids.

Links to other articles are written as relative paths to their `.md` files;
they are recorded as references here and turned into page URLs at render time,
once the whole library is known.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..arabic import slugify

# A placeholder scheme for links between articles, resolved by the renderer.
REF_SCHEME = "sitegen-ref"

_TAGS = set(nh3.ALLOWED_TAGS) | {"section", "sup", "figure", "figcaption", "bdi"}
_ATTRIBUTES = {
    "*": {"id", "dir", "lang", "title", "class"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "ol": {"start"},
}
_SCHEMES = {"http", "https", "mailto", "tel", REF_SCHEME}


def _normalize(state: StateCore) -> None:
    """markdown-it's first rule, as it does it (CR and CRLF to LF, NUL to U+FFFD),
    but only where there is something to do: its two regular expressions went over
    every body, most of which hold neither."""
    src = state.src
    if "\r" in src:
        src = src.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    state.src = src


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "typographer": False})
    md.core.ruler.at("normalize", _normalize)
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify)
    return md


def _link_target(href: str, source: str) -> str | None:
    """The content path a relative `.md` link points to, or None."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
        return None
    base = posixpath.dirname(source)
    return posixpath.normpath(posixpath.join(base, unquote(parts.path)))


def render_markdown(
    body: str, source: str, first_line: int = 1, ref_lines: dict[str, int] | None = None
) -> tuple[str, tuple[str, ...]]:
    """Render a body; return sanitised HTML and the article sources it links to.

    Given `ref_lines`, it is filled with the file line (body starting at `first_line`)
    of the first link to each source, so a broken link can be reported at its line.
    """
    md = _parser()
    tokens = md.parse(body)
    refs: list[str] = []
    raw_html = False
    for token in tokens:
        raw_html = raw_html or token.type == "html_block"
        line = first_line + (token.map[0] if token.map else 0)
        for child in token.children or ():
            raw_html = raw_html or child.type == "html_inline"
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            if child.type == "link_open":
                target = _link_target(str(child.attrGet("href") or ""), source)
                if target is not None:
                    fragment = unquote(urlsplit(str(child.attrGet("href"))).fragment)
                    child.attrSet("href", f"{REF_SCHEME}:{target}" + (f"#{fragment}" if fragment else ""))
                    refs.append(target)
                    if ref_lines is not None:
                        ref_lines.setdefault(target, line)
    html = md.renderer.render(tokens, md.options, {})
    # Markdown alone escapes text and refuses unsafe link schemes, so only
    # bodies with raw HTML pay for the sanitiser.
    return (sanitize_html(html) if raw_html else html), tuple(dict.fromkeys(refs))


def sanitize_html(html: str) -> str:
    """Drop scripts, event handlers and javascript: URLs from article HTML."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
