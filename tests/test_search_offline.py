"""The offline index's encoding and weights, checked against plain decoders, and its
patching against the index made whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.search.normalize import key
from sitegen.search import offline, offline_patch
from sitegen.search.offline import (
    FOLDER, OfflineIndex, doc_path, doc_weights, encode_postings, ordered, patch_postings, shard_file, shard_terms, whole_index,
)  # fmt: skip
from sitegen.search.offline_patch import patch_index, previous_index
from sitegen.search.prepare import prepare
from sitegen.search.records import Record
from sitegen.terms import pack_counts


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
    plain = dict((k, w) for w, keys in doc_weights(_record("عنوان", "سمير سمير كتب عن لبنان", ())) for k in keys)
    named = dict((k, w) for w, keys in doc_weights(_record("عنوان", "سمير سمير كتب عن لبنان", ("سمير قصير",))) for k in keys)
    # Listed once, under its summed weight: two postings of one document would break the gaps.
    assert sum(k == key("سمير") for w, keys in doc_weights(_record("عنوان", "سمير سمير", ("سمير",))) for k in keys) == 1
    assert named[key("سمير")] == plain[key("سمير")] + 1
    assert named[key("قصير")] == 1  # a word of the name alone
    assert named[key("لبنان")] == plain[key("لبنان")]


@given(
    st.dictionaries(st.integers(0, 60_000), st.integers(1, 2_000), min_size=0, max_size=40),
    st.dictionaries(st.integers(0, 60_000), st.integers(0, 2_000), min_size=1, max_size=6),
)
def test_patched_postings_equal_the_postings_encoded_again(before, changes):
    # Documents put in, taken out (weight 0) and reweighed, first, last and between,
    # with gaps and weights on both sides of the lookup tables' ends.
    after = {doc: weight for doc, weight in (before | changes).items() if weight}
    def encoded(postings: dict[int, int]) -> str:
        return encode_postings([n for doc in sorted(postings) for n in (doc, postings[doc])]) if postings else ""
    assert patch_postings(encoded(before), changes) == encoded(after)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the patch holds for every example
@given(st.lists(st.dictionaries(st.sampled_from("abcdefg"), st.integers(1, 2_000), min_size=1), max_size=30), st.integers(1, 60_000))
def test_postings_of_many_documents_encode_as_each_terms_own(monkeypatch, documents, spread):
    # Documents spread far apart, so that gaps and weights fall on both sides of the
    # lookup tables' ends; encoded in batches of a few postings, as large indexes are.
    monkeypatch.setattr(offline, "_ENCODE_BATCH", 3)
    found: dict[str, list[int]] = {}
    postings = offline._Postings()
    for n, weights in enumerate(documents):
        doc = n * spread
        for weight in sorted(set(weights.values())):
            terms = [t for t, w in weights.items() if w == weight]
            postings.add(doc, weight, terms)
            for term in terms:
                found.setdefault(term, []).extend((doc, weight))
    assert list(postings.encoded()) == [(term, encode_postings(found[term])) for term in sorted(found)]


def test_a_shard_file_reads_back_its_terms():
    terms = {"ab": "1,2.3", "a\u2028": "5"}  # a separator JS once took for a line end: escaped, then read back
    assert shard_terms(shard_file("61-62", terms)[1]) == terms


# Keys from a small vocabulary, so that documents share terms and shards; a few
# names, so that bylines add to the weights of the same keys in the text.
VOCABULARY = ["بيروت", "بيت", "لبنان", "سمير", "قصير", "كتب", "x1", "x2", "ab", "ac", "zz"]
RECORDS = st.lists(
    st.tuples(st.integers(1, 9), st.dictionaries(st.sampled_from(VOCABULARY), st.integers(1, 4), max_size=6), st.sampled_from([(), ("سمير قصير",), ("بيت",)])),
    max_size=8,
)


def _records(drafts: list[tuple[int, dict[str, int], tuple[str, ...]]], names: list[str]) -> list[Record]:
    return [
        Record(f"articles/{name}/", f"t {name}", f"text {name}", pack_counts(counts), "", "ar", authors, (), "2024", f"{day}", f"2024-01-0{day}")
        for name, (day, counts, authors) in zip(names, drafts)
    ]


def _keys(records: list[Record]) -> dict[str, str]:
    return {r.url: repr(r) for r in records}  # what a record's key stands for: everything in it


def _files(index: OfflineIndex, folder: Path) -> dict[str, bytes]:
    return {**dict(index.files), **{name: (folder / name).read_bytes() for name in index.kept}}


@pytest.mark.parametrize("per_file", [1, 3, offline.DOCS_PER_FILE])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(RECORDS, st.lists(st.tuples(st.integers(0, 9), RECORDS.map(lambda drafts: drafts[:1])), max_size=3), st.integers(0, 3))
def test_a_patched_index_is_the_whole_index_of_the_new_records(tmp_path_factory, monkeypatch, per_file, first, edits, dropped):
    """Records edited, added and taken out, with or without renumbering the others:
    the last index patched equals the index made whole, and keeps the files of
    the documents that did not change (d/ files of one document or several)."""
    for module in (offline, offline_patch):
        monkeypatch.setattr(module, "DOCS_PER_FILE", per_file)
    old = _records(first, [f"a{i}" for i in range(len(first))])
    folder = tmp_path_factory.mktemp("previous")
    was = whole_index(old, _keys(old))
    write_tree(folder, _files(was, folder))
    new_drafts = list(first)
    for at, draft in edits:
        new_drafts[at % (len(new_drafts) + 1) : at % (len(new_drafts) + 1) + 1] = draft
    names = [f"a{i}" for i in range(len(first))] + [f"n{i}" for i in range(len(new_drafts))]
    new = _records(new_drafts[: max(len(new_drafts) - dropped, 0)], names)
    files = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    saved = dict(was.docs.made)
    previous = previous_index(folder, files, [saved[n][0] for n in range(was.docs.count)], lambda docs: {n: saved[n][1] for n in docs})
    docs = ordered(new)
    patched = patch_index(docs, [_keys(new)[r.url] for r in docs], previous)
    assert patched is not None
    whole = whole_index(new, _keys(new))
    assert _files(patched, folder) == dict(whole.files)
    assert {n: row for n, row in (saved | patched.docs.made).items() if n < patched.docs.count} == whole.docs.made
    # A d/ file is kept exactly when it holds the same documents, none of them changed.
    def same(n: int) -> bool:
        return n < len(old) and n < len(docs) and saved[n][0] == _keys(new)[docs[n].url]

    last = max(len(old), len(docs))
    unchanged = {doc_path(f) for f in range(0, len(docs), per_file) if all(same(n) for n in range(f, min(f + per_file, last)))}
    assert unchanged == {f for f in patched.kept if f.startswith(f"{FOLDER}d/")}
