"""Turn a page's paragraphs into an article's: furniture out, teasers to
`related`, a pull quote kept once as a blockquote."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..arabic import clean_text, strip_tashkeel
from .dates import parse_date
from .furniture import Furniture

_WORD_RE = re.compile(r"\w+")
# A pull quote is a sentence or two; shorter lines ("وقال:") match too much.
_QUOTE_MIN_WORDS = 6
_QUOTE_MAX_WORDS = 90
_QUOTE_CONTAINED = 0.8  # share of the quote's words found, in order, in the longer paragraph
# Share of a quote's word triples also in the longer paragraph before the
# exact, slower comparison runs; edits inside a quote break some triples.
_TRIPLES_SHARED = 0.3
_TEASER_WINDOW = 8  # teasers sit in the last few paragraphs of a page


@dataclass(frozen=True)
class Block:
    """One paragraph of plain text; `quote` marks a pull quote."""

    text: str
    quote: bool = False


@dataclass
class Stripped:
    paragraphs: list[str]
    removed: list[str] = field(default_factory=list)
    related: list[dict[str, str]] = field(default_factory=list)


def normalise_paragraph(text: str) -> str:
    """NFC, invisible controls gone, whitespace (NBSP included) collapsed."""
    return " ".join(clean_text(text).split())


def words_of(text: str) -> list[str]:
    """The words of a text, for comparisons: no tashkeel, no punctuation."""
    return _WORD_RE.findall(strip_tashkeel(text))


def strip_furniture(paragraphs: list[str], furniture: Furniture) -> Stripped:
    """Drop furniture paragraphs; move "read also" links and end teasers to `related`."""
    paras = [p for p in (normalise_paragraph(p) for p in paragraphs) if p]
    out = Stripped([])
    teaser_at = _find_teaser(paras, furniture)
    if teaser_at is not None:
        index, teaser = teaser_at
        tail = paras[index + 1 : index + 3]
        if tail:
            teaser["title"] = tail[0]
        if len(tail) > 1:
            teaser["excerpt"] = tail[1]
        teaser_lines = [paras[index], *tail]
        paras = paras[:index] + paras[index + 1 + len(tail) :]
    for para in paras:
        kind = furniture.line_kind(para)
        if kind is not None:
            out.removed.append(f"{kind}: {para}")
            continue
        title = furniture.related_link(para)
        if title is not None:
            out.removed.append(f"read-also: {para}")
            out.related.append({"title": title})
            continue
        para, cut = furniture.strip_inline(para)
        out.removed.extend(cut)
        if para:
            out.paragraphs.append(para)
    if teaser_at is not None:
        out.related.append(teaser)
        out.removed.extend(f"teaser: {t}" for t in teaser_lines)
    return out


def _find_teaser(paras: list[str], furniture: Furniture) -> tuple[int, dict[str, str]] | None:
    start = max(0, len(paras) - _TEASER_WINDOW)
    for index in range(len(paras) - 1, start - 1, -1):
        for pattern in furniture.teasers:
            match = pattern.fullmatch(paras[index])
            if match:
                teaser = {"author": match["author"].strip()}
                date = parse_date(match["date"])
                if date:
                    teaser["date"] = date
                return index, teaser
    return None


def mark_pull_quotes(paragraphs: list[str]) -> tuple[list[Block], list[str]]:
    """Mark pull quotes as blockquotes; drop exact repeats of a paragraph.

    A pull quote is a short paragraph whose words nearly all appear, in order,
    in a longer paragraph of the same article: it is kept once, as a quote.
    A paragraph repeated word for word is kept once, where it last appears.
    """
    tokens = [p.split() for p in paragraphs]
    last_seen = {p: i for i, p in enumerate(paragraphs)}
    # Word triples, to find the few paragraphs worth the exact comparison
    # without comparing every pair (news articles have dozens of paragraphs).
    triples: dict[tuple[str, str, str], set[int]] = {}
    for index, words in enumerate(tokens):
        for k in range(len(words) - 2):
            triples.setdefault((words[k], words[k + 1], words[k + 2]), set()).add(index)
    blocks: list[Block] = []
    removed: list[str] = []
    for i, para in enumerate(paragraphs):
        size = len(tokens[i])
        quote = False
        if _QUOTE_MIN_WORDS <= size <= _QUOTE_MAX_WORDS:
            if last_seen[para] != i:
                removed.append(f"repeated: {para}")
                continue
            quote = any(_nearly_contained(para, paragraphs[j]) for j in _sharing_triples(i, tokens, triples))
        blocks.append(Block(para, quote))
    return blocks, removed


def _sharing_triples(i: int, tokens: list[list[str]], triples: dict[tuple[str, str, str], set[int]]) -> list[int]:
    """Longer paragraphs holding a good share of paragraph i's word triples."""
    words = tokens[i]
    counts: dict[int, int] = {}
    for k in range(len(words) - 2):
        for j in triples[(words[k], words[k + 1], words[k + 2])]:
            counts[j] = counts.get(j, 0) + 1
    wanted = _TRIPLES_SHARED * (len(words) - 2)
    return [j for j, n in counts.items() if j != i and n >= wanted and len(tokens[j]) > len(words)]


def _nearly_contained(short_text: str, long_text: str) -> bool:
    short, long = words_of(short_text), words_of(long_text)
    return _lcs(short, long) >= _QUOTE_CONTAINED * len(short)


def _lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence of two word lists."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]
