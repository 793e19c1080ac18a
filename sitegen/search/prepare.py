"""What search needs from one article's own text, worked out where it is parsed.

Tokenising every article for both indexes was most of a rebuild's search time,
though an unchanged article's words do not change. So the parse workers do it
(`prepare`), and the build cache keeps the result with the article. Related-article
terms (`terms.py`) are worked out here too, from the same words. Change what is
computed here and bump `cache.SCHEMA`, or cached articles keep the old values.

Author names are not included: they come from profiles, which change apart
from the article, so they are added when the indexes are built.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

from ..terms import Memo, body_opening, pack_counts, terms_of_words
from .normalize import clitic_form, forms_of_words, key, words

TITLE_WEIGHT = 3  # in the offline index, a word in the title counts as this many in the text

_TAG_RE = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class Prepared:
    text: str  # standfirst and body as one line of plain text
    keys: str  # offline index keys with their weights, packed by terms.pack_counts
    forms: str  # split clitic forms for Pagefind's hidden field, space-separated
    terms: str  # what related articles compare (terms.article_terms), from the same words

    @property
    def indexed(self) -> SearchText:
        """What of it the search indexes take: all but the terms."""
        return SearchText(self.text, self.keys, self.forms)


class SearchText(NamedTuple):
    """What the search indexes take of an article (its Prepared but the terms).

    Not part of the model: the parse workers keep it in the build cache, and the
    search stage reads it there (`BuildCache.search_texts`), so that the build's
    own process neither receives nor holds it while it links and renders. At
    10,000 articles that was half of what the workers sent it (~110 MB): without
    it, that process's own work while parsing halved (~0.9 to ~0.4 CPU-s), and
    rendering, forked from a smaller process, took ~0.5 s less."""

    text: str
    keys: str
    forms: str


def search_text(title: str, summary: str, body_html: str) -> SearchText:
    """An article's SearchText worked out again, where no cache holds it."""
    return prepare(title, summary, body_html).indexed


def plain_text(body_html: str) -> str:
    """Body HTML as one line of text; tags become spaces so words never fuse."""
    return " ".join(_text_of(body_html).split())


def _text_of(body_html: str) -> str:
    # The text before spaces are collapsed: it lines up with terms.body_opening.
    return html.unescape(_TAG_RE.sub(" ", body_html))


# One per process, so a parse worker works out each distinct word once over all its articles.
_keys = Memo(key)
_forms = Memo(clitic_form)


def key_counts(found: Iterable[str]) -> Counter[str]:
    """How often each offline index key occurs among words (`normalize.words`)."""
    return Counter(map(_keys.__getitem__, found))


def prepare(title: str, summary: str, body_html: str) -> Prepared:
    """Search's and relating's products of one article, from one split of its words."""
    raw = _text_of(body_html)
    # split and join, not a regular expression for runs of spaces: the same
    # whitespace (str.isspace is re's \s), several times faster.
    body = " ".join(raw.split())
    text = f"{summary} {body}" if summary else body
    # Each part split once: the words of joined texts are the parts' words joined.
    # `raw` rather than `body`: the same words, as spaces only separate them.
    title_words, summary_words = words(title), words(summary)
    body_words, opening_words = _words_and_opening(raw, body_opening(body_html))
    # The title repeated rather than its counts multiplied: one Counter, filled at C speed.
    counts = key_counts(chain(summary_words, body_words, *[title_words] * TITLE_WEIGHT))
    forms = forms_of_words(chain(title_words, summary_words, body_words), _forms.__getitem__)
    terms = terms_of_words(title_words + summary_words, opening_words)
    return Prepared(text, pack_counts(counts), " ".join(forms), terms)


def _words_and_opening(text: str, opening: str) -> tuple[list[str], list[str]]:
    """`words` of a body's text and of its opening as relating reads it, with the
    opening's text split only once.

    The opening is usually the text's start, except that entities there are
    spaces where the text has their characters. Those characters and spaces
    separate words alike (and compose with nothing that could be a letter), so
    the opening's words are then those of the text's start; both lists share
    the words before the last space in it.
    """
    cut = len(opening)
    start = text[:cut]
    if start != opening and _as_spaces(start) != _as_spaces(opening):
        return words(text), words(opening)  # a cut tag or other entities: no shortcut
    at = max(start.rfind(" "), 0)  # a space composes with nothing, so splitting there is exact
    head = words(text[:at])
    return head + words(text[at:]), head + words(start[at:])


def _as_spaces(text: str) -> str:
    """The text with the characters HTML escapes made spaces."""
    # Not str.translate: it looks up every character, where replace scans for one.
    return text.replace("&", " ").replace("<", " ").replace(">", " ").replace('"', " ")
