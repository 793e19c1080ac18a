"""The words Pagefind 1.5 indexes for a text, worked out as its indexer does.

Our bundle writer (pagefind_bundle.py) must index exactly the words that
Pagefind's own indexer would, because the reader's browser runs Pagefind's
search code: it stems the query with the same Snowball stemmer and looks the
stem up in our index. The rules, taken from Pagefind 1.5's behaviour and
checked word for word against its output (tests/test_pagefind_bundle.py):

- the text is split on whitespace; a word's position is its number among
  the words that are not empty once zero-width spaces are removed;
- the word's letters and digits (Unicode Alphabetic or Numeric, so Arabic
  vowel marks count) and the bundle's "include characters" are kept and
  lower-cased; if taking the marks off (NFD, then no Mark) changes it, the
  stem is of the bare word and the word as written is kept as a variant,
  which Pagefind ranks higher when the query has the same marks;
- that is stemmed with the language's Snowball stemmer (Pagefind's list);
- a word with anything but letters and digits in it, or a capital after its
  first letter, is also indexed in parts: ASCII punctuation becomes a space,
  camel case and letter/digit changes are cut (as Rust's convert_case does),
  and parts of two bytes or more are indexed at the same position, with the
  word's weight shared among them; each emoji in it is a word too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import regex
import Stemmer

FULL = 24  # Pagefind's weight for ordinary text: 1.0 on its scale of 24 per unit

# Pagefind's languages with a stemmer (fossick::get_stemmer), as Snowball names.
STEMMERS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch",
    "en": "english", "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian",
    "ne": "nepali", "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip

_NOT_ALNUM = regex.compile(r"[^\p{Alphabetic}\p{N}]")  # Rust's char::is_alphanumeric
_EMOJI = regex.compile(r"\p{Extended_Pictographic}")
_ASCII_PUNCTUATION = regex.compile(r"[!-/:-@\[-`{-~]")
# convert_case's boundaries: lower→Upper, an acronym's last capital before a
# lower-case letter, and a cased letter beside a digit (uncased scripts such
# as Arabic have none of these).
_CASE_CUTS = regex.compile(
    r"(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=[\p{Ll}\p{Lu}])(?=\p{Nd})|(?<=\p{Nd})(?=[\p{Ll}\p{Lu}])"
)

Indexed = tuple[str, "str | None", int]  # (stem, the word as written if it had marks, weight)
SPELLING = "\x00"  # joins a stem and a spelling in one key (`Words.keyed`); in neither


def key_of(stem: str, as_written: str | None) -> str:
    return stem if as_written is None else f"{stem}{SPELLING}{as_written}"


def stemmer_for(language: str) -> Stemmer.Stemmer | None:
    name = STEMMERS.get(language.split("-")[0])
    return Stemmer.Stemmer(name) if name else None


def _bare(word: str) -> str | None:
    """The word without its marks, or None if it has none (ASCII never has)."""
    if word.isascii():
        return None
    bare = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.category(c).startswith("M"))
    return bare if bare != word else None


def _parts(word: str) -> list[str]:
    spaced = _ASCII_PUNCTUATION.sub(" ", word)
    return [part.lower() for chunk in spaced.split() for part in _CASE_CUTS.split(chunk) if part]


class Words:
    """What each written word is indexed as, remembered: a shard repeats its words."""

    def __init__(self, language: str, include: Sequence[str]) -> None:
        self._stemmer = stemmer_for(language)
        self._keep = regex.compile(r"[^\p{Alphabetic}\p{N}" + regex.escape("".join(include)) + "]+")
        self._keyed: dict[str, tuple[tuple[str, int], ...]] = {}

    def _stem(self, word: str) -> tuple[str, str | None]:
        bare = _bare(word)  # may be "": a lone vowel mark is a word of no letters
        base = word if bare is None else bare
        return (self._stemmer.stemWord(base) if self._stemmer else base), (None if bare is None else word)

    def of(self, raw: str) -> list[Indexed]:
        """What one written word is indexed as (worked out anew: `keyed` remembers)."""
        out: list[Indexed] = []
        word = self._keep.sub("", raw)
        # Letter by letter, as Pagefind does: str.lower would end a Greek word with ς.
        word = word.lower() if word.isascii() else "".join(c.lower() for c in word)
        if word:
            out.append((*self._stem(word), FULL))
        compound = _NOT_ALNUM.search(raw) is not None or any(c.isupper() for c in raw[1:])
        if compound and word:
            parts = _parts(raw)
            joined = " ".join(parts)
            if len(parts) > 1 or not word.startswith(joined):
                kept = [p for p in parts if len(p.encode("utf-8")) > 1]
                share = max(1, FULL // len(kept)) if kept else FULL
                out.extend((*self._stem(p), share) for p in kept)
        if compound and _EMOJI.search(raw):  # each emoji is a word of its own, as written
            out.extend((g, None, FULL) for g in regex.findall(r"\X", raw) if _EMOJI.search(g))
        return out

    def keyed(self, raw: str) -> tuple[tuple[str, int], ...]:
        """`of`, as (key_of(stem, as written), weight) pairs: strings hash once, tuples every time."""
        found = self._keyed.get(raw)
        if found is None:
            found = self._keyed[raw] = tuple((key_of(stem, as_written), weight) for stem, as_written, weight in self.of(raw))
        return found
