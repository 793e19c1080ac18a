"""Text dumps of article pages: one paragraph per line, furniture around it.

The first meaningful line is the title; a short paragraph right after it is
the standfirst (`summary`); short byline and date lines near the top go to
the front matter; the rest, cleaned, is the body.
"""

from __future__ import annotations

import re

from ..arabic import slugify
from .bylines import parse_byline
from .cleanup import mark_pull_quotes, strip_furniture
from .dates import parse_date
from .furniture import Furniture
from .language import guess_lang
from .markdown_out import blocks_to_markdown
from .model import Draft, Failure

_STANDFIRST_MAX_WORDS = 60
_BYLINE_RE = re.compile(r"^(?:بقلم|كتب|كتبت|by)\b", re.IGNORECASE)
# File names that say nothing about the article, so they make poor slugs.
_GENERIC_STEMS = frozenset({"index", "article", "page", "post", "untitled", "story", "news", "stdin"})


def read_text(text: str, origin: str, furniture: Furniture) -> Draft | Failure:
    stripped = strip_furniture(text.split("\n"), furniture)
    paras = stripped.paragraphs
    if not paras:
        return Failure(origin, "no article text left after removing page furniture", "check that the file holds the article")
    draft = Draft(origin=origin, format="text", title=paras[0], removed=stripped.removed, related=stripped.related)
    rest = paras[1:]
    rest = _take_byline_and_date(rest, draft)
    if len(rest) >= 3 and len(rest[0].split()) <= _STANDFIRST_MAX_WORDS:
        draft.summary, rest = rest[0], rest[1:]
    blocks, repeated = mark_pull_quotes(rest)
    draft.removed.extend(repeated)
    draft.body = blocks_to_markdown(blocks)
    draft.lang = guess_lang(draft.title + " " + draft.body[:2000])
    draft.slug_hint = slug_hint_from_name(origin)
    return draft


def _take_byline_and_date(paras: list[str], draft: Draft) -> list[str]:
    """Byline and date lines sit just under the title, in the first few lines."""
    kept: list[str] = []
    for index, para in enumerate(paras):
        if index < 4 and len(para.split()) <= 8:
            if not draft.date:
                date = parse_date(para)
                if date:
                    draft.date = date
                    continue
            if not draft.authors and _BYLINE_RE.match(para):
                byline = parse_byline(para)
                draft.authors, draft.dateline = byline.authors, byline.dateline
                continue
        kept.append(para)
    return kept


def slug_hint_from_name(origin: str) -> str:
    """The file's own name, when the editor gave it a meaningful one."""
    stem = origin.split("#", 1)[0].rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    if not stem or stem.lower() in _GENERIC_STEMS or stem.isdigit() or stem.startswith("<"):
        return ""
    return slugify(stem)
