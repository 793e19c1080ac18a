"""The search index is made by an indexer program while the pages render: its
output is the in-process indexer's, its failure fails the build, and a build
that fails for another reason stops it."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from conftest import article
from test_bad_input import tree_state

from sitegen.errors import SearchError
from sitegen.search import pagefind

ARTICLES = {
    f"content/articles/a{n}.md": article(f"المقال {n}", f"نص عن بيروت والحكومة {n}.", date=f"2024-01-{n:02d}", authors=["سمير"], topics=["لبنان"])
    for n in range(1, 6)
}


@pytest.fixture
def beside(monkeypatch: pytest.MonkeyPatch) -> None:
    """The indexer program even for a few records (a real archive needs hundreds)."""
    monkeypatch.setattr(pagefind, "BESIDE_FROM", 0)


def _children() -> list[str]:
    """Command lines of this process's child processes."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, ValueError, IndexError):
            continue  # it ended while we looked
    return found


def test_the_indexer_program_writes_what_the_build_process_writes(make_site, monkeypatch: pytest.MonkeyPatch) -> None:
    here = make_site(ARTICLES)
    here.build()
    monkeypatch.setattr(pagefind, "BESIDE_FROM", 0)
    beside = make_site(ARTICLES)
    beside.build()
    search = {name: data for name, data in beside.files().items() if name.startswith(("pagefind/", "search-index/"))}
    assert any(name.endswith(".pf_fragment") for name in search)
    assert search == {name: data for name, data in here.files().items() if name.startswith(("pagefind/", "search-index/"))}
    assert not any("sitegen.search.indexer" in c for c in _children())


def test_a_search_failure_fails_the_build_and_keeps_the_previous_site(make_site, beside, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(ARTICLES)
    site.build()
    before = tree_state(site.out)
    site.write({"content/articles/b.md": article("الثاني", date="2024-02-03")})
    monkeypatch.setattr(pagefind, "INDEXER", [sys.executable, "-c", "import sys; sys.exit('RuntimeError: pagefind: the indexer crashed')"])
    with pytest.raises(SearchError, match="indexer crashed"):
        site.build()
    assert tree_state(site.out) == before
    assert not list(site.root.glob(".public.staging-*"))


def test_a_failed_build_stops_the_indexer(make_site, beside, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site({**ARTICLES, "templates/article.html": "{{ no_such_function() }}"})
    monkeypatch.setattr(pagefind, "INDEXER", [sys.executable, "-c", "import time; time.sleep(120)"])
    start = time.monotonic()
    with pytest.raises(Exception, match="no_such_function"):
        site.build()
    assert time.monotonic() - start < 60  # the build did not wait for the indexer
    assert not any("time.sleep(120)" in c for c in _children())
    assert not site.out.exists() and not list(site.root.glob(".public.staging-*"))
