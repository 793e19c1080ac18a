import datetime as dt

import pytest

from sitegen.arabic import clean_text, format_date, localize_digits, month_name, slugify, strip_tashkeel


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("مصطفى الكاظمي", "مصطفى-الكاظمي"),
        ("مُصْطَفَى  الكـــاظمي", "مصطفى-الكاظمي"),  # tashkeel, tatweel, double space
        ("“إيرانية الصنع” اغتيال الكاظمي!", "إيرانية-الصنع-اغتيال-الكاظمي"),
        ("Mustafa al-Kadhimi (2020)", "mustafa-al-kadhimi-2020"),
        ("العراق، إيران؛ الميليشيات؟", "العراق-إيران-الميليشيات"),
        ("٢٠٢٤ عام", "٢٠٢٤-عام"),
    ],
)
def test_slugify_keeps_arabic_and_drops_punctuation(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_slugify_is_never_empty_and_stable() -> None:
    first = slugify("!!! ؟؟؟")
    assert first and first == slugify("!!! ؟؟؟")
    assert first != slugify("...")


def test_slugify_normalises_to_nfc() -> None:
    decomposed = "\u0627\u0653"  # alef + maddah above, which NFC composes to آ
    assert slugify(decomposed) == slugify("آ") == "آ"


def test_clean_text_removes_invisible_controls_but_keeps_spelling() -> None:
    assert clean_text("\u200fمصطفي\u200b الكاظمى\ufeff") == "مصطفي الكاظمى"
    assert strip_tashkeel("مُحَمَّد") == "محمد"


@pytest.mark.parametrize(
    ("locale", "digits", "expected"),
    [
        ("ar", "latn", "28 يناير 2024"),
        ("ar_EG", "latn", "28 يناير 2024"),
        ("ar_LB", "latn", "28 كانون الثاني 2024"),
        ("ar_SY", "arab", "٢٨ كانون الثاني ٢٠٢٤"),
        ("en", "latn", "January 28, 2024"),
    ],
)
def test_format_date_uses_cldr_months_and_digits(locale: str, digits: str, expected: str) -> None:
    assert format_date(dt.date(2024, 1, 28), locale, digits) == expected


def test_month_name_and_digits() -> None:
    assert month_name(2024, 3, "ar_LB", "arab") == "آذار ٢٠٢٤"
    assert localize_digits("١٢٣ و۴۵", "latn") == "123 و45"
