"""Pagefind's shards are written by forked workers while the build goes on: their
output is the in-process writer's, their failure fails the build, a build that
fails for another reason stops them, and a killed build takes them with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
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
    """Forked workers even for a few records (a real archive needs hundreds)."""
    monkeypatch.setattr(pagefind, "BESIDE_FROM", 0)


def _processes(test: Callable[[Path], bool]) -> list[int]:
    """Running processes whose /proc entry passes `test`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and test(entry):
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue  # it ended while we looked
    return found


def _working_in(folder: Path) -> list[int]:
    """Processes whose working directory is `folder`."""
    return _processes(lambda entry: Path(os.readlink(entry / "cwd")) == folder)


def _workers() -> list[int]:
    """This process's forked children that still run (the shard writers)."""

    def running_child(entry: Path) -> bool:
        state, parent = (entry / "stat").read_text().rsplit(")", 1)[1].split()[:2]
        return int(parent) == os.getpid() and state != "Z"

    return _processes(running_child)


def _fail(*args: object) -> None:
    raise RuntimeError("the shard writer crashed")


def _sleep(*args: object) -> None:
    time.sleep(120)


def _die(*args: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel does to a process out of memory


def test_forked_writers_write_what_the_build_process_writes(make_site, monkeypatch: pytest.MonkeyPatch) -> None:
    here = make_site(ARTICLES)
    here.build()
    monkeypatch.setattr(pagefind, "BESIDE_FROM", 0)
    beside = make_site(ARTICLES)
    beside.build()
    search = {name: data for name, data in beside.files().items() if name.startswith(("pagefind/", "search-index/"))}
    assert any(name.endswith(".pf_fragment") for name in search)
    assert search == {name: data for name, data in here.files().items() if name.startswith(("pagefind/", "search-index/"))}
    assert not _workers()


# A writer that raises, and one killed (as the kernel kills a process out of
# memory), which must fail the build rather than leave it waiting.
@pytest.mark.parametrize(("writer", "message"), [(_fail, "shard writer crashed"), (_die, "exit status -9")], ids=["raises", "killed"])
def test_a_search_failure_fails_the_build_and_keeps_the_previous_site(make_site, beside, monkeypatch: pytest.MonkeyPatch, writer, message: str) -> None:
    site = make_site(ARTICLES)
    site.build()
    before = tree_state(site.out)
    site.write({"content/articles/b.md": article("الثاني", date="2024-02-03")})
    monkeypatch.setattr(pagefind, "_write_shard", writer)
    with pytest.raises(SearchError, match=message):
        site.build()
    assert tree_state(site.out) == before
    assert not list(site.root.glob(".public.staging-*"))
    assert not _workers()


def test_a_failed_build_stops_the_shard_writers(make_site, beside, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site({**ARTICLES, "templates/article.html": "{{ no_such_function() }}"})
    monkeypatch.setattr(pagefind, "_write_shard", _sleep)
    start = time.monotonic()
    with pytest.raises(Exception, match="no_such_function"):
        site.build()
    assert time.monotonic() - start < 60  # the build did not wait for the writers
    assert not _workers()
    assert not site.out.exists() and not list(site.root.glob(".public.staging-*"))


KILLED = """
import os, signal, sys, time
import sitegen.emit as emit
import sitegen.search.pagefind as pagefind
pagefind.BESIDE_FROM = 0
def write(*args):
    open("writer-started", "w").close()
    time.sleep(120)
pagefind._write_shard = write
def place(*args, **kwargs):
    while not os.path.exists("writer-started"):
        time.sleep(0.05)
    os.kill(os.getpid(), signal.SIGKILL)  # the writers began before the first page is placed
emit.place = place
from sitegen.cli import main
sys.exit(main(["build"]))
"""


def test_shard_writers_end_with_a_killed_build(make_site) -> None:
    site = make_site(ARTICLES)
    done = subprocess.run([sys.executable, "-c", KILLED], cwd=site.root, capture_output=True, timeout=120)
    assert done.returncode == -9, done.stderr.decode()
    assert (site.root / "writer-started").exists()
    deadline = time.monotonic() + 5
    while _working_in(site.root.resolve()):
        assert time.monotonic() < deadline, "a shard writer outlived its build"
        time.sleep(0.1)


def test_no_pagefind_service_fails_the_build_with_its_fix(make_site, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(ARTICLES)
    site.build()
    before = tree_state(site.out)
    site.write({"content/articles/b.md": article("الثاني", date="2024-02-03")})

    async def missing(language: str) -> dict[str, bytes]:
        raise FileNotFoundError("pagefind_bin/pagefind")

    monkeypatch.setattr(pagefind, "_service_files", missing)
    with pytest.raises(SearchError, match="make build") as raised:
        site.build()
    assert "browser files" in str(raised.value)
    assert tree_state(site.out) == before
