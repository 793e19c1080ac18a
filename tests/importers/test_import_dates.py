from __future__ import annotations

import pytest

from sitegen.importers.dates import parse_date


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-28", "2024-03-28"),
        ("2024-03-28T14:05:00+03:00", "2024-03-28T14:05:00+03:00"),
        ("2024-03-28T11:05:00Z", "2024-03-28T11:05:00+00:00"),
        ("Tue, 20 Feb 2018 01:44:01 GMT", "2018-02-20T01:44:01+00:00"),
        ("Sun, 18 Feb 2018 21:35:43 +0400", "2018-02-18T21:35:43+04:00"),
        ("28.03.2024", "2024-03-28"),
        ("2015-08-01 08:01:09", "2015-08-01T08:01:09"),
        # Levantine month names, Latin digits
        ("28 آذار 2024", "2024-03-28"),
        ("3 كانون الثاني 2021", "2021-01-03"),
        ("15 تشرين الأول 2019", "2019-10-15"),
        # Egyptian/Gulf month names, Arabic-Indic digits
        ("٢٨ مارس ٢٠٢٤", "2024-03-28"),
        ("١ يناير ٢٠٢٠", "2020-01-01"),
        # the other pairings, weekday prefix, time, and "month/month"
        ("٢٨ آذار ٢٠٢٤", "2024-03-28"),
        ("28 ديسمبر 2023", "2023-12-28"),
        ("الخميس، 28 كانون الثاني 2024 - 14:05", "2024-01-28T14:05:00"),
        ("12 تموز/يوليو 2020", "2020-07-12"),
    ],
)
def test_reads_every_documented_format(raw: str, expected: str) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["", "yesterday", "31.02.2024", "قبل ساعتين", "13/13/2020", None, 42])
def test_unreadable_dates_are_left_empty_not_guessed(raw: object) -> None:
    assert parse_date(raw) is None
