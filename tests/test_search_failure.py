"""The search index is made by an indexer program while the pages render: its
output is the in-process indexer's, its failure fails the build, and a build
that fails for another reason stops it."""

from __future__ import annotations

import os
import subprocess
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


def _commands(parent: int | None = None) -> list[str]:
    """Command lines of running processes (of `parent`'s children only, if given)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (parent is None or int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent):
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except (OSError, ValueError, IndexError):
            continue  # it ended while we looked
    return found


def _children() -> list[str]:
    return _commands(os.getpid())


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


KILLED = """
import os, signal, sys
import sitegen.emit as emit
import sitegen.search.pagefind as pagefind
pagefind.BESIDE_FROM = 0
def place(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)  # the indexer was started before the first page is placed
emit.place = place
from sitegen.cli import main
sys.exit(main(["build"]))
"""


def test_an_indexer_whose_build_was_killed_ends_itself(make_site) -> None:
    # Long articles: left alone, Pagefind would index them for about 12 s, where the
    # watchdog needs about one.
    long = " ".join(f"كلمة{n} عن بيروت" for n in range(20_000))
    site = make_site({f"content/articles/l{n}.md": article(f"طويل {n}", long, date="2024-01-01") for n in range(36)})
    done = subprocess.run([sys.executable, "-c", KILLED], cwd=site.root, capture_output=True, timeout=120)
    assert done.returncode == -9
    assert list(site.root.glob(".public.staging-*/.indexer-*/jobs.json"))  # the indexer had begun
    deadline = time.monotonic() + 5
    while any(str(site.root) in c for c in _commands()):
        assert time.monotonic() < deadline, "the indexer outlived its build"
        time.sleep(0.1)
