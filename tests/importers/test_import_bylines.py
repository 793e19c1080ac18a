from __future__ import annotations

import pytest

from sitegen.importers.bylines import parse_byline


@pytest.mark.parametrize(
    ("raw", "authors", "dateline"),
    [
        ("القاهرة - أحمد الريدي", ["أحمد الريدي"], "القاهرة"),
        ("دبي – قناة العربية", ["قناة العربية"], "دبي"),
        ("باريس ـ سعد المسعودي", ["سعد المسعودي"], "باريس"),
        ("بقلم: أحمد الريدي", ["أحمد الريدي"], ""),
        ("بقلم أحمد الريدي", ["أحمد الريدي"], ""),
        ("كتب: محمد علي", ["محمد علي"], ""),
        ("أحمد الريدي ومحمد علي", ["أحمد الريدي", "محمد علي"], ""),
        ("أحمد الريدي و محمد علي", ["أحمد الريدي", "محمد علي"], ""),
        ("أحمد الريدي، محمد علي، سارة خالد", ["أحمد الريدي", "محمد علي", "سارة خالد"], ""),
        ("واشنطن - العربية.نت ، وكالات", ["العربية.نت", "وكالات"], "واشنطن"),
        # one person whose second name starts with و: never split
        ("محمد وليد", ["محمد وليد"], ""),
        ("", [], ""),
        ("   ", [], ""),
        (None, [], ""),
    ],
)
def test_bylines(raw: object, authors: list[str], dateline: str) -> None:
    byline = parse_byline(raw)
    assert byline.authors == authors
    assert byline.dateline == dateline


def test_a_list_of_bylines_gives_every_name_once() -> None:
    assert parse_byline(["بقلم سارة خالد", "سارة خالد", "Jane Doe"]).authors == ["سارة خالد", "Jane Doe"]
