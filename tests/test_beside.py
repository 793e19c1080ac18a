"""Search indexing runs in a forked process beside rendering (sitegen/beside.py):
its answer, its failures and its end must all come back to the build."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, article
from test_bad_input import tree_state

import sitegen.search
from sitegen.beside import Beside


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"  # exited; only its parent's reaping is left


def _fail(message: str) -> None:
    raise ValueError(message)


def test_the_answer_and_the_failure_come_back() -> None:
    parent = os.getpid()
    assert Beside(os.getppid).result() == parent  # it did run in a child of this process
    with pytest.raises(ValueError, match="نص الخطأ"):
        Beside(_fail, "نص الخطأ").result()


def test_cancel_stops_the_child_at_once() -> None:
    job = Beside(time.sleep, 60)
    pid = job._child.pid
    clock = time.monotonic()
    job.cancel()
    assert time.monotonic() - clock < 10
    assert pid is not None and _gone(pid)


def test_a_child_whose_build_was_killed_stops_itself(tmp_path: Path) -> None:
    script = (
        "import os, signal, sys, time\n"
        "from sitegen.beside import Beside\n"
        "job = Beside(time.sleep, 120)\n"
        "print(job._child.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    pid = int(done.stdout.split()[0])
    deadline = time.monotonic() + 10
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(pid), "the orphaned child kept running"


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
