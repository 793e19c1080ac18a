"""What search needs from one article's own text, worked out where it is parsed.

Tokenising every article for both indexes was most of a rebuild's search time,
though an unchanged article's words do not change. So the parse workers do it
(`prepare`), and the build cache keeps the result with the article, as it keeps
related-article terms (`terms.py`): change what is computed here and bump
`cache.SCHEMA`, or cached articles keep the old values.

Author names are not included: they come from profiles, which change apart
from the article, so they are added when the indexes are built.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

from ..terms import Memo, pack_counts
from .normalize import forms_of_words, key, words

TITLE_WEIGHT = 3  # in the offline index, a word in the title counts as this many in the text

_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Prepared:
    text: str  # standfirst and body as one line of plain text
    keys: str  # offline index keys with their weights, packed by terms.pack_counts
    forms: str  # split clitic forms for Pagefind's hidden field, space-separated


def plain_text(body_html: str) -> str:
    """Body HTML as one line of text; tags become spaces so words never fuse."""
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", body_html))).strip()


# One per process, so a parse worker keys each distinct word once over all its articles.
_keys = Memo(key)
_splits: dict[str, tuple[str, str] | None] = {}


def key_counts(found: list[str]) -> Counter[str]:
    """How often each offline index key occurs among words (`normalize.words`)."""
    return Counter(map(_keys.__getitem__, found))


def prepare(title: str, summary: str, body_html: str) -> Prepared:
    text = plain_text(body_html)
    if summary:
        text = f"{summary} {text}"
    title_words, text_words = words(title), words(text)  # once each: tokenising is the cost
    counts = key_counts(text_words)
    for term, n in key_counts(title_words).items():
        counts[term] += TITLE_WEIGHT * n
    if len(_splits) > 500_000:
        _splits.clear()  # a long-lived process must not grow without bound
    return Prepared(text, pack_counts(counts), " ".join(forms_of_words(title_words + text_words, _splits)))
