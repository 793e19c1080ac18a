"""Split a byline into author names and a dateline.

`القاهرة - أحمد الريدي` is place then name, the way Arabic wires and outlets
write it; several names are joined by `و` or `،`; `بقلم` and similar
prefixes are not part of anyone's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..arabic import clean_text

_PREFIX_RE = re.compile(r"^(?:بقلم|كتب(?:ت|ه|ها)?|كتابة|إعداد|اعداد|تقرير|إعداد وتقديم|by)\s*[:：]?\s*", re.IGNORECASE)
# A dash with spaces around it, or an Arabic tatweel-dash: "place - name".
_DATELINE_RE = re.compile(r"^(?P<place>[^-–—ـ|]{2,40}?)\s+[-–—ـ]\s*(?P<rest>\S.*)$|^(?P<place2>[^-–—ـ|]{2,40}?)\s*[-–—ـ]\s+(?P<rest2>\S.*)$")
_LIST_SEP_RE = re.compile(r"\s*[،,؛;]\s*|\s+and\s+", re.IGNORECASE)
# "و" standing alone or glued to the next name; see _split_waw for when it splits.
_WAW_RE = re.compile(r"\s+و\s*(?=\S)")
_OPAQUE_ID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


@dataclass(frozen=True)
class Byline:
    authors: list[str] = field(default_factory=list)
    dateline: str = ""


def parse_byline(value: object) -> Byline:
    """Authors and dateline from a byline; an empty byline gives neither."""
    if isinstance(value, list | tuple):
        names: list[str] = []
        for item in value:
            names.extend(parse_byline(item).authors)
        return Byline(_unique(names))
    if not isinstance(value, str):
        return Byline()
    text = " ".join(clean_text(value).split())
    if not text or _OPAQUE_ID_RE.match(text):
        return Byline()
    dateline = ""
    match = _DATELINE_RE.match(text)
    if match:
        place = match["place"] or match["place2"]
        rest = match["rest"] or match["rest2"]
        # A dateline is a place: short, and never itself a list of names.
        if len(place.split()) <= 4 and not _LIST_SEP_RE.search(place):
            dateline, text = place.strip(), rest.strip()
    text = _PREFIX_RE.sub("", text).strip()
    names = []
    for part in _LIST_SEP_RE.split(text):
        names.extend(_split_waw(_PREFIX_RE.sub("", part).strip()))
    return Byline(_unique(n for n in names if n), dateline)


def _split_waw(text: str) -> list[str]:
    """Split on "و" only where each side is a full name (two words or more).

    "محمد وليد" is one person, so a one-word side never splits.
    """
    parts = _WAW_RE.split(text)
    if len(parts) > 1 and all(len(p.split()) >= 2 for p in parts):
        return [p.strip() for p in parts]
    return [text] if text else []


def _unique(names: object) -> list[str]:
    return list(dict.fromkeys(n for n in names if n))  # type: ignore[attr-defined]
