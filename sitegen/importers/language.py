"""Tell Arabic from English text, for the `lang` field."""

from __future__ import annotations


def guess_lang(text: str) -> str:
    """`ar` when Arabic letters dominate, `en` when Latin ones do, else empty."""
    arabic = latin = 0
    for ch in text[:3000]:
        code = ord(ch)
        if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
            arabic += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
    if arabic == latin == 0:
        return ""
    return "ar" if arabic >= latin else "en"
