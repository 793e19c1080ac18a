"""A failure while indexing search fails the build and leaves the previous site as it was."""

from __future__ import annotations

import pytest
from conftest import article
from test_bad_input import tree_state

import sitegen.search


def test_a_search_failure_fails_the_build_and_keeps_the_previous_site(make_site, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site({"content/articles/a.md": article("الأول", date="2024-01-02")})
    site.build()
    before = tree_state(site.out)
    site.write({"content/articles/b.md": article("الثاني", date="2024-01-03")})

    def broken(*_args: object) -> None:
        raise RuntimeError("pagefind: the indexer crashed")

    monkeypatch.setattr(sitegen.search, "index_search", broken)
    with pytest.raises(RuntimeError, match="indexer crashed"):
        site.build()
    assert tree_state(site.out) == before
    assert not list(site.root.glob(".public.staging-*"))
