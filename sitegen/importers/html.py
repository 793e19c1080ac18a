"""Saved HTML pages: the article extracted by trafilatura, the metadata
from the page's own declarations, furniture and pull quotes as for text."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import html as lxml_html

from ..arabic import clean_text
from .bylines import parse_byline
from .cleanup import mark_pull_quotes, normalise_paragraph
from .dates import parse_date
from .furniture import Furniture
from .language import guess_lang
from .model import Draft, Failure
from .pagemeta import read_page_meta
from .text import slug_hint_from_name

_LINK_RE = re.compile(r"(!?\[[^\]]*\]\()([^)\s]+)")
_MARKUP_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[*_`>#]")
# Markdown lines that are structure, not prose: furniture rules and pull
# quotes apply to paragraphs only.
_STRUCTURE_RE = re.compile(r"^(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|\||>|!\[)")


_NEVER_ARTICLE_TAGS = ("script", "style", "iframe", "form", "noscript", "button", "select", "textarea", "svg", "template", "object", "embed")
_PAGE_TAGS = frozenset({"html", "head", "body", "main", "article"})
# Share bars, comment sections and sign-up boxes, by the names sites give them.
_FURNITURE_BOX_RE = re.compile(r"(?:^|[\s_-])(?:share|sharing|social|comments?|respond|newsletter|subscribe|sharedaddy|addthis)(?:[\s_-]|$)", re.IGNORECASE)


def _without_furniture(page: str) -> str:
    """The page less what is never article text, before extraction sees it."""
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return page
    doomed = [e for e in tree.iter(*_NEVER_ARTICLE_TAGS)]
    doomed += [
        e for e in tree.iter()
        # WordPress marks whole pages "comments-open": only boxes inside go.
        if isinstance(e.tag, str) and e.tag not in _PAGE_TAGS
        and _FURNITURE_BOX_RE.search(f"{e.get('class', '')} {e.get('id', '')}")
    ]  # fmt: skip
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return lxml_html.tostring(tree, encoding="unicode")


def read_html(page: str, origin: str, furniture: Furniture) -> Draft | Failure:
    import trafilatura

    meta = read_page_meta(page)
    body = trafilatura.extract(
        _without_furniture(page), output_format="markdown", include_comments=False, include_tables=True,
        include_images=True, include_links=True, include_formatting=True, deduplicate=False,
    )  # fmt: skip
    title = " ".join(clean_text(meta.title).split())
    if not title:
        return Failure(origin, "page has no title (no og:title, JSON-LD headline or <title>)", "add a <title> to the page")
    if not body or not body.strip():
        return Failure(origin, "no article text found in the page", "save the article's own page, not an index or a page of links")
    draft = Draft(origin=origin, format="html", title=title)
    draft.source_url = meta.url
    draft.summary = " ".join(clean_text(meta.description).split())
    draft.image = meta.image
    for field in ("date", "updated"):
        raw = getattr(meta, field)
        if raw:
            parsed = parse_date(raw)
            setattr(draft, field, parsed)
            if parsed is None:
                draft.notes.append(f"{field} not readable: {raw!r}")
    byline = parse_byline(meta.authors)
    draft.authors = byline.authors
    draft.topics = list(dict.fromkeys(" ".join(t.split()) for t in meta.topics if t.strip()))
    draft.body = _clean_body(clean_text(body), draft, furniture, meta.url)
    draft.lang = meta.lang if meta.lang in ("ar", "en") else guess_lang(title + " " + draft.body[:2000])
    draft.slug_hint = slug_hint_from_name(origin)
    return draft


def _clean_body(markdown: str, draft: Draft, furniture: Furniture, base_url: str) -> str:
    if base_url:
        markdown = _LINK_RE.sub(lambda m: m[1] + urljoin(base_url, m[2]), markdown)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", markdown) if p.strip()]
    prose: list[str] = []
    kept: list[str] = []
    for para in paragraphs:
        if _STRUCTURE_RE.match(para):
            kept.append(para)
            continue
        plain = normalise_paragraph(_MARKUP_RE.sub(lambda m: m[1] or "", para))
        if plain == normalise_paragraph(draft.title):
            draft.removed.append(f"title: {plain}")
            continue
        kind = furniture.line_kind(plain)
        if kind is None and furniture.related_link(plain) is not None:
            kind = "read-also"
        if kind is not None:
            draft.removed.append(f"{kind}: {plain}")
            continue
        kept.append(para)
        prose.append(para)
    blocks, repeated = mark_pull_quotes(prose)
    draft.removed.extend(repeated)
    quotes = {b.text for b in blocks if b.quote}
    dropped = {r.split(": ", 1)[1] for r in repeated}
    out = []
    for para in kept:
        if para in dropped and para in prose:
            dropped.discard(para)  # the first copy of a repeated paragraph goes
            continue
        out.append("> " + para if para in quotes else para)
    return "\n\n".join(out)
