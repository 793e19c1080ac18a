"""Arabic text rules: normalisation, slugs, dates and digits.

Slugs keep Arabic script (never transliterated); dates use CLDR month names
through Babel so that ar_LB reads كانون الثاني and ar_EG reads يناير.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as _babel_format_date

# Harakat, superscript alef and Quranic annotation marks: optional in Arabic
# spelling, so they must never make two slugs or two search terms differ.
TASHKEEL = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"  # as a character class's inside
TASHKEEL_RE = re.compile(f"[{TASHKEEL}]")
TATWEEL = "\u0640"
# Zero-width and bidi controls: invisible, and they break slugs and matching.
INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c"
INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
# Everything matching drops at once: marks, tatweel and controls, in one pass over a text.
SILENT_RE = re.compile(f"[{TASHKEEL}{TATWEEL}{INVISIBLE}]")

DIGIT_SYSTEMS = ("latn", "arab")


def strip_tashkeel(text: str) -> str:
    return TASHKEEL_RE.sub("", text).replace(TATWEEL, "")


def nfc(text: str) -> str:
    # The check alone is several times faster than normalising, and most text already is NFC.
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def clean_text(text: str) -> str:
    """NFC with invisible controls removed; the author's spelling is kept."""
    return INVISIBLE_RE.sub("", nfc(text))


class _SlugChars(dict):
    """character -> what it becomes in a slug, worked out on its first lookup."""

    def __missing__(self, ch: str) -> str:
        if unicodedata.category(ch)[0] in "LNM":
            value = ch
        elif ch.isspace() or ch in "-_":
            value = "-"
        else:
            value = ""  # other punctuation and symbols are dropped
        self[ch] = value
        return value


_SLUG_CHARS = _SlugChars()
_DASHES_RE = re.compile("-{2,}")


def slugify(text: str) -> str:
    """A URL-safe slug that keeps Arabic letters; never empty.

    Letters, digits and combining marks of any script stay; punctuation and
    symbols go; runs of spaces and dashes become one dash.
    """
    text = strip_tashkeel(clean_text(text)).lower()
    # Every character through the table at C speed: every article's file name is slugified.
    slug = _DASHES_RE.sub("-", "".join(map(_SLUG_CHARS.__getitem__, text))).strip("-")
    if slug:
        return slug
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return f"h-{digest}"


# Babel formats with Latin digits whatever the numbering system, so the two
# CLDR systems we offer are mapped here: latn (0-9) and arab (U+0660-0669).
_LATN = "0123456789"
_ARAB = "".join(chr(0x660 + i) for i in range(10))
_PERSIAN = "".join(chr(0x6F0 + i) for i in range(10))
_TO_ARAB = str.maketrans(_LATN, _ARAB)
_TO_LATN = str.maketrans(_ARAB + _PERSIAN, _LATN + _LATN)


def localize_digits(text: str, system: str) -> str:
    """Rewrite digits in the given CLDR numbering system (latn or arab)."""
    return text.translate(_TO_ARAB if system == "arab" else _TO_LATN)


# Unbounded: an archive has a few thousand distinct days (10,000 bench articles,
# 4,819), and an LRU of 4,096 missed on every one of the search records' 10,000
# dates, each taken in order: 10,000 calls to Babel (~10 µs each) where 4,819 do.
@lru_cache(maxsize=None)
def format_date(day: dt.date, locale: str, digits: str) -> str:
    """'28 كانون الثاني 2024' style: day, CLDR month name, year."""
    pattern = "d MMMM y" if locale.split("_")[0] == "ar" else "long"
    text = _babel_format_date(day, pattern, locale=_locale(locale))
    return localize_digits(INVISIBLE_RE.sub("", text), digits)


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    # Babel parses a locale given by name on every call: ~10 of its ~16 µs a date.
    return Locale.parse(name)


@lru_cache(maxsize=64)
def month_name(year: int, month: int, locale: str, digits: str) -> str:
    """'كانون الثاني 2024' for archive headings."""
    text = _babel_format_date(dt.date(year, month, 1), "MMMM y", locale=_locale(locale))
    return localize_digits(INVISIBLE_RE.sub("", text), digits)


def format_number(value: int, digits: str) -> str:
    return localize_digits(str(value), digits)
