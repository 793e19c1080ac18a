"""The offline index's encoding and weights, checked against plain decoders."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sitegen.search.normalize import key
from sitegen.search.offline import _weights, encode_postings
from sitegen.search.prepare import prepare
from sitegen.search.records import Record


def decode(encoded: str) -> list[int]:
    """Read "gap[.weight],…" back to flat (doc, weight, …), as search.js does."""
    flat, doc = [], 0
    for item in encoded.split(","):
        gap, _, weight = item.partition(".")
        doc += int(gap, 36)
        flat += [doc, int(weight, 36) if weight else 1]
    return flat


@given(st.lists(st.tuples(st.integers(0, 200_000), st.integers(1, 5_000)), min_size=1, unique_by=lambda p: p[0]))
def test_postings_read_back_whatever_the_gaps_and_weights(pairs):
    # Gaps beyond 36**3 and weights beyond 36**2 leave the lookup tables: both paths are covered.
    flat = [n for doc, weight in sorted(pairs) for n in (doc, weight)]
    assert decode(encode_postings(flat)) == flat


def _record(title: str, body: str, authors: tuple[str, ...]) -> Record:
    prepared = prepare(title, "", f"<p>{body}</p>")
    return Record("articles/x/", title, prepared.text, prepared.keys, prepared.forms, "ar", authors, (), "2024", "", "2024-01-01")


def test_an_authors_name_adds_to_the_weight_of_the_same_word_in_the_text():
    plain = dict((k, w) for w, keys in _weights(_record("عنوان", "سمير سمير كتب عن لبنان", ())) for k in keys)
    named = dict((k, w) for w, keys in _weights(_record("عنوان", "سمير سمير كتب عن لبنان", ("سمير قصير",))) for k in keys)
    # Listed once, under its summed weight: two postings of one document would break the gaps.
    assert sum(k == key("سمير") for w, keys in _weights(_record("عنوان", "سمير سمير", ("سمير",))) for k in keys) == 1
    assert named[key("سمير")] == plain[key("سمير")] + 1
    assert named[key("قصير")] == 1  # a word of the name alone
    assert named[key("لبنان")] == plain[key("لبنان")]
