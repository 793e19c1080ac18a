"""Related lists updated after an edit equal the lists computed from nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sitegen.related
import sitegen.related_update
from sitegen.content.model import Article, Library
from sitegen.related import LIMIT, read_inputs, relate_all
from sitegen.related_update import Basis, decode, encode, update
from sitegen.terms import pack_counts, unpack_counts

# Many words, a couple of dozen to an article (more than related.TOP_TERMS, so an
# edit can move a word into or out of an article's heaviest): short term lists, so
# that an edit reaches few lists and any list an update left out would show.
WORDS = [a + b + c for a in "بتثجحخدذ" for b in "رزسشصضطظ" for c in "عغفق"]
COUNT = 120


def _terms(n: int) -> str:
    draw = random.Random(n)
    return pack_counts({word: draw.randint(1, 4) for word in draw.sample(WORDS, 24)})


def _library(terms: list[str]) -> Library:
    day = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    articles = [
        Article(id=f"x{n:03d}", source=f"x{n:03d}.md", title="t", body_html="", terms=text, date=day - dt.timedelta(days=n * 5))
        for n, text in enumerate(terms)
    ]
    return Library(
        articles=tuple(articles),
        article_authors={a.id: (f"w{n % 9}",) for n, a in enumerate(articles)},
        article_topics={a.id: (f"t{n % 40}", f"t{n % 5}") for n, a in enumerate(articles)},
    )


def _basis(library: Library, limit: int = LIMIT) -> tuple[dict[str, tuple[str, ...]], Basis]:
    lists, tables = relate_all(library, limit)
    return lists, Basis(read_inputs(library), tables)


def _same_tables(a: sitegen.related.TermTables, b: sitegen.related.TermTables) -> bool:
    return (
        a.vocabulary == b.vocabulary and np.array_equal(a.df, b.df) and np.array_equal(a.idf, b.idf)
        and np.array_equal(a.vectors.starts, b.vectors.starts) and np.array_equal(a.vectors.values, b.vectors.values)
        and np.array_equal(a.vector_weights, b.vector_weights)
    )  # fmt: skip


# An edit: which article, new counts for some of its words (by their place among
# them), and words added (perhaps one no article has) or dropped.
edits = st.lists(
    st.tuples(
        st.integers(0, COUNT - 1),
        st.dictionaries(st.integers(0, 23), st.integers(1, 4), max_size=8),
        st.dictionaries(st.sampled_from([*WORDS[:40], "جديدة"]), st.integers(0, 4), max_size=2),
    ),
    min_size=1,
    max_size=10,
)


def _edited(terms: str, recount: dict[int, int], words: dict[str, int]) -> str:
    counts = {term: n for n, same in unpack_counts(terms) for term in same}
    for place, n in recount.items():
        if place < len(counts):
            counts[sorted(counts)[place]] = n
    for word, n in words.items():  # 0: dropped
        counts[word] = n
    return pack_counts(counts)


@pytest.fixture(params=[(250, 500, 1.0, 20), (7, 14, 0.5, 20), (250, 500, 0.25, LIMIT)], ids=["walk-all", "short-walks", "defaults"])
def walks(request, monkeypatch) -> int:
    """The defaults, and limits that these articles' term lists cross as they are edited;
    and shares past which an update is refused (most pass with 1.0). Gives the
    lists' length: long lists show any score that moved, in their order."""
    longest, budget, share, limit = request.param
    monkeypatch.setattr(sitegen.related, "MAX_POSTING", longest)
    monkeypatch.setattr(sitegen.related, "BUDGET", budget)
    monkeypatch.setattr(sitegen.related_update, "AFRESH_SHARE", share)
    return limit


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=edits)
def test_updated_lists_equal_lists_computed_afresh(walks, edits) -> None:
    limit = walks
    terms = [_terms(n) for n in range(COUNT)]
    lists, basis = _basis(_library(terms), limit)
    for rank, recount, words in edits:  # one edit per build, each updating the last one's lists
        previous = {f"x{rank:03d}": terms[rank]}
        terms[rank] = _edited(terms[rank], recount, words)
        library = _library(terms)
        found = update(library, read_inputs(library), basis, previous, lists, limit)
        expected, tables = relate_all(library, limit)
        if found is None:  # refused: only when too much of the archive would need new vectors
            moved = set(previous[f"x{rank:03d}"].split()) ^ set(terms[rank].split())
            assert len(sitegen.related_update._having(library, moved) | {rank}) > sitegen.related_update.AFRESH_SHARE * COUNT
            lists, basis = expected, Basis(read_inputs(library), tables)
            continue
        assert found[0] == expected and list(found[0]) == list(expected)
        assert _same_tables(found[1], tables)
        lists, basis = found[0], Basis(read_inputs(library), found[1])


@pytest.mark.parametrize("longest, budget", [(6, 30), (9, 500)])
def test_a_long_run_of_updates_equals_lists_computed_afresh(monkeypatch, longest: int, budget: int) -> None:
    """Hundreds of edits, one after the other: words keep being added to some
    articles, so term lists grow across MAX_POSTING and words move in and out of
    articles' heaviest, which a run this long meets (an update that left out any
    of the lists `_affected` names was caught by it)."""
    monkeypatch.setattr(sitegen.related, "MAX_POSTING", longest)
    monkeypatch.setattr(sitegen.related, "BUDGET", budget)
    monkeypatch.setattr(sitegen.related_update, "AFRESH_SHARE", 1.0)
    draw = random.Random(2)
    terms = [_terms(n) for n in range(COUNT)]
    lists, basis = _basis(_library(terms), 20)
    updated = 0
    for _ in range(400):
        rank = draw.randrange(COUNT)
        recount = {draw.randrange(24): draw.randint(1, 4) for _ in range(draw.randint(0, 6))}
        words = {draw.choice([*WORDS[:40], "جديدة"]): draw.randint(0, 4) for _ in range(draw.randint(0, 2))}
        previous = {f"x{rank:03d}": terms[rank]}
        terms[rank] = _edited(terms[rank], recount, words)
        library = _library(terms)
        found = update(library, read_inputs(library), basis, previous, lists, 20)
        expected, tables = relate_all(library, 20)
        if found is not None:
            updated += 1
            assert found[0] == expected
            lists, tables = found
        else:
            lists = expected
        basis = Basis(read_inputs(library), tables)
    assert updated > 300


def test_an_update_is_refused_where_it_cannot_vouch_for_the_result() -> None:
    terms = [_terms(n) for n in range(COUNT)]
    library = _library(terms)
    lists, basis = _basis(library)
    edited = terms.copy()
    edited[5] = _edited(terms[5], {0: 4, 1: 4}, {})  # the same words, counted anew
    new = _library(edited)
    inputs = read_inputs(new)
    assert update(new, inputs, basis, {"x005": terms[5]}, lists, LIMIT) is not None
    assert update(new, inputs, basis, {}, lists, LIMIT) is None  # the terms before the edit are unknown
    assert update(new, inputs, basis, {"x005": edited[5]}, lists, LIMIT) is None  # not the terms the basis saw
    assert update(new, inputs, None, {"x005": terms[5]}, lists, LIMIT) is None
    assert update(new, inputs, basis, {"x005": terms[5]}, None, LIMIT) is None
    moved = dataclasses.replace(new, articles=(dataclasses.replace(new.articles[0], date=None), *new.articles[1:]))
    assert update(moved, read_inputs(moved), basis, {"x005": terms[5]}, lists, LIMIT) is None  # a date: the frame moved
    many = [_edited(t, {0: 4}, {}) for t in terms]
    crowd = _library(many)
    previous = {f"x{n:03d}": terms[n] for n in range(COUNT)}
    assert update(crowd, read_inputs(crowd), basis, previous, lists, LIMIT) is None  # past MAX_CHANGED


def test_the_basis_survives_the_cache_and_damage_is_refused() -> None:
    library = _library([_terms(n) for n in range(COUNT)])
    _, basis = _basis(library)
    data = encode(basis)
    back = decode(data, COUNT)
    assert back.inputs.key == basis.inputs.key and back.inputs.frame == basis.inputs.frame
    assert np.array_equal(back.inputs.digests, basis.inputs.digests) and _same_tables(back.tables, basis.tables)
    for damaged in (data[:-8], data + b"\0" * 8, data[:8] + b"[" + data[9:], b""):
        with pytest.raises(ValueError):
            decode(damaged, COUNT)
    with pytest.raises(ValueError):
        decode(data, COUNT + 1)  # made for another archive
