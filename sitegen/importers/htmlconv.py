"""HTML fragments (WordPress post content, HTML bodies in records) to Markdown.

nh3 drops scripts, styles, iframes, forms and event handlers first, so
nothing executable reaches the converter; markdownify keeps the structure:
headings, lists, blockquotes, links, images, tables.
"""

from __future__ import annotations

import re

import nh3
from markdownify import markdownify

_KEEP_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
    "a", "img", "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "strong", "b", "em", "i", "code", "pre", "sup", "sub", "del", "s", "span", "div",
    "section", "article", "caption", "dl", "dt", "dd", "cite", "q", "abbr", "time", "mark",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
# Dropped with everything inside them, not only the tags.
_DROP_WITH_CONTENT = {"script", "style", "iframe", "form", "noscript", "template", "object", "embed", "select", "textarea", "button", "svg", "math"}
_BLOCK_TAG_RE = re.compile(r"<(?:p|div|h[1-6]|ul|ol|table|blockquote|figure|pre|section|article)[\s>]", re.IGNORECASE)
_GUTENBERG_RE = re.compile(r"<!--\s*/?wp:[^>]*?-->", re.DOTALL)
_BLANK_RUN_RE = re.compile(r"\n{3,}")


def looks_like_html(text: str) -> bool:
    return bool(_BLOCK_TAG_RE.search(text)) or "<br" in text.lower() or "</" in text


def autop(html: str) -> str:
    """WordPress stores classic posts with blank lines for paragraphs and no <p>;
    wrap those paragraphs the way WordPress does when it displays them."""
    if _BLOCK_TAG_RE.search(html) and "<p" in html.lower():
        return html
    parts = [p.strip() for p in re.split(r"\n\s*\n", html) if p.strip()]
    wrapped = []
    for part in parts:
        if _BLOCK_TAG_RE.match(part):
            wrapped.append(part)
        else:
            wrapped.append("<p>" + part.replace("\n", "<br>\n") + "</p>")
    return "\n".join(wrapped)


def html_to_markdown(html: str) -> str:
    html = _GUTENBERG_RE.sub("", html)
    safe = nh3.clean(
        autop(html),
        tags=_KEEP_TAGS,
        attributes=_ATTRIBUTES,
        clean_content_tags=_DROP_WITH_CONTENT,
        strip_comments=True,
        link_rel=None,
        url_schemes={"http", "https", "mailto", "tel"},
    )
    text = markdownify(safe, heading_style="ATX", bullets="-", escape_underscores=False, escape_asterisks=True)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_RUN_RE.sub("\n\n", "\n".join(lines)).strip()
