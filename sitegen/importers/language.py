"""Tell Arabic from English text, for the `lang` field."""

from __future__ import annotations

import re

_ARABIC_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufeff]")
_LATIN_RE = re.compile("[A-Za-z]")


def guess_lang(text: str) -> str:
    """`ar` when Arabic letters dominate, `en` when Latin ones do, else empty."""
    sample = text[:1500]
    arabic = len(_ARABIC_RE.findall(sample))
    latin = len(_LATIN_RE.findall(sample))
    if arabic == latin == 0:
        return ""
    return "ar" if arabic >= latin else "en"
