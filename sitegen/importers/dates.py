"""Read the dates news sources write, into ISO 8601; never guess.

ISO 8601, RFC 822 (`Tue, 20 Feb 2018 01:44:01 GMT`), `DD.MM.YYYY` (day first,
as Arabic outlets write it), `YYYY-MM-DD hh:mm:ss`, and Arabic written dates
with either month-name set (كانون الثاني / يناير) and either digit set.
A value that matches none of them gives None, and the caller reports it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from ..arabic import clean_text, localize_digits, strip_tashkeel

# Levantine/Iraqi (Syriac) names and Egyptian/Gulf (Latin-derived) names,
# with the spellings outlets actually use (hamza or not, ه or و endings),
# plus the Maghrebi French-derived ones.
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "كانون الثاني|يناير|جانفي",
        "شباط|فبراير|فبراير|فيفري",
        "آذار|اذار|مارس",
        "نيسان|أبريل|ابريل|إبريل|أفريل|افريل",
        "أيار|ايار|مايو|ماي",
        "حزيران|يونيو|يونيه|جوان",
        "تموز|يوليو|يوليه|جويلية",
        "آب|اب|أغسطس|اغسطس|غشت|أوت",
        "أيلول|ايلول|سبتمبر|شتنبر",
        "تشرين الأول|تشرين الاول|أكتوبر|اكتوبر",
        "تشرين الثاني|نوفمبر|نونبر",
        "كانون الأول|كانون الاول|ديسمبر|دجنبر",
    ),
    start=1,
):
    for _name in _names.split("|"):
        _MONTHS[_name] = _number

# Longest first, so "كانون الثاني" wins over a shorter prefix; "X/Y" pairs
# such as "تموز/يوليو" are read as their first name.
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_ARABIC_DATE_RE = re.compile(
    rf"(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH_ALT})(?:\s*/\s*(?:{_MONTH_ALT}))?\s*،?\s+(?P<year>\d{{4}})"
    r"(?:\s*(?:-|،|,|الساعة)?\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)
_DOTTED_RE = re.compile(r"^(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4})$")
_SQL_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_RFC822_RE = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")


def parse_date(value: object) -> str | None:
    """The date as ISO 8601 (with its offset when the source gives one), or None."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = localize_digits(strip_tashkeel(clean_text(value)), "latn").strip()
    if not text:
        return None
    for reader in (_iso, _sql, _rfc822, _dotted, _arabic):
        try:
            found = reader(text)
        except (ValueError, OverflowError, TypeError):
            found = None
        if found is not None:
            return found.isoformat()
    return None


def _iso(text: str) -> dt.date | None:
    if len(text) == 10 and text[4] == "-":
        return dt.date.fromisoformat(text)
    if len(text) >= 16 and text[4] == "-" and text[10] == "T":
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return None


def _sql(text: str) -> dt.datetime | None:
    if _SQL_RE.match(text):
        return dt.datetime.fromisoformat(text.replace(" ", "T"))
    return None


def _rfc822(text: str) -> dt.datetime | None:
    if not _RFC822_RE.match(text):
        return None
    return email.utils.parsedate_to_datetime(text)


def _dotted(text: str) -> dt.date | None:
    match = _DOTTED_RE.match(text)
    if not match:
        return None
    return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))


def _arabic(text: str) -> dt.date | None:
    match = _ARABIC_DATE_RE.search(text)
    if not match:
        return None
    day = dt.date(int(match["year"]), _MONTHS[match["month"]], int(match["day"]))
    if match["hour"] is None:
        return day
    return dt.datetime(day.year, day.month, day.day, int(match["hour"]), int(match["minute"]), int(match["second"] or 0))
