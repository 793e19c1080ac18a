"""Search normalisation rules (Python side); the JS side is checked against the
same table in tests/test_search_browser.py."""

from __future__ import annotations

import pytest

from sitegen.search.normalize import MAX_QUERY_WORDS, clitic_forms, fold, key, query_keys, query_text, split_clitic

# (word as written, offline key): spelling variants and clitics meet on one key.
KEY_CASES = [
    ("إحباط", "احباط"), ("أحباط", "احباط"), ("آخر", "اخر"), ("مصطفى", "مصطفي"), ("مدرسة", "مدرسه"),
    ("مُسَيَّرَة", "مسيره"), ("الحكـــومة", "حكومه"), ("٢٠١٩", "2019"), ("۱۹۹۰", "1990"), ("Parliament", "parliament"),
    ("والحكومة", "حكومه"), ("فالحكومة", "حكومه"), ("بالحكومة", "حكومه"), ("كالحكومة", "حكومه"),
    ("للحكومة", "حكومه"), ("وبالحكومة", "حكومه"), ("فللحكومة", "حكومه"), ("وللحكومة", "حكومه"),
    ("باغتيال", "اغتيال"), ("لاغتيال", "اغتيال"), ("وإيران", "ايران"), ("لإيران", "ايران"), ("فإسرائيل", "اسرائيل"),
    ("وبإمكان", "امكان"), ("ولأوروبا", "اوروبا"), ("كإنسان", "انسان"),
    ("لحكومة", "حكومه"), ("ولمنظمة", "منظمه"), ("لدولة", "دوله"),
    # No false splits: words that merely begin with those letters stay whole.
    ("بيروت", "بيروت"), ("لبنان", "لبنان"), ("فلسطين", "فلسطين"), ("كتاب", "كتاب"),
    ("لبنانية", "لبنانيه"), ("لجنة", "لجنه"), ("واحد", "واحد"), ("كامل", "كامل"), ("باسم", "باسم"),
    ("كافة", "كافه"), ("الله", "الله"), ("الذي", "الذي"), ("والي", "والي"), ("إلى", "الي"), ("وطن", "وطن"),
]


@pytest.mark.parametrize(("word", "expected"), KEY_CASES)
def test_key(word: str, expected: str) -> None:
    assert key(word) == expected


@pytest.mark.parametrize("word", ["بيروت", "لبنان", "فلسطين", "كتاب", "لبنانية", "لجنة", "واحد", "الله", "والي"])
def test_words_that_begin_with_clitic_letters_are_not_split(word: str) -> None:
    assert split_clitic(word) is None
    assert clitic_forms(word) == []


def test_clitic_forms_give_pagefind_only_what_it_misses() -> None:
    forms = clitic_forms("والحكومة فالحكومة بالحكومة الحكومة للحكومة باغتيال لإيران لحكومة وللمقاومة")
    # ال, بال and لل alone Pagefind splits itself: not repeated.
    assert forms == ["الحكومة", "اغتيال", "إيران", "حكومة", "المقاومة"]


def test_clitic_forms_keep_the_authors_letters_without_tashkeel() -> None:
    assert clitic_forms("وَالحُكُومَة لِإِيرَان") == ["الحكومة", "إيران"]


def test_fold_removes_invisible_marks_and_tatweel() -> None:
    assert fold("\u200fمصـطفى\u200e") == "مصطفي"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("مصطفى", "مصطفي"), ("  «الحكـومة»!! ", "الحكومة"), ("\u202bبيروت\u202c", "بيروت"), ("؟!،.", ""), ("", ""),
        ("<script>alert(1)</script>", "script alert 1 script"), ("مُسَيَّرَة", "مسيرة"),
    ],
)
def test_query_text_is_what_pagefind_is_asked(query: str, expected: str) -> None:
    assert query_text(query) == expected


def test_long_queries_are_cut_to_a_few_words() -> None:
    query = "كلمة " * 400  # 2,000 characters
    assert len(query_text(query).split()) == MAX_QUERY_WORDS
    assert query_keys(query) == ["كلمه"]
