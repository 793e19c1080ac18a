"""How work is cut for the worker processes (sitegen/parallel.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen import parallel
from sitegen.emit import Placement, render_pages
from sitegen.parallel import in_process
from sitegen.render import Output, Page


@given(st.integers(min_value=0, max_value=120_000), st.integers(min_value=1, max_value=8))
def test_chunks_hold_every_item_once_in_order(count: int, workers: int) -> None:
    items = range(count)
    with_workers = parallel.workers
    parallel.workers = lambda: workers
    try:
        cut = parallel.chunks(items)
    finally:
        parallel.workers = with_workers
    assert [i for chunk in cut for i in chunk] == list(items) and all(cut)


def test_the_last_chunks_are_smaller_so_the_workers_end_together(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    sizes = [len(chunk) for chunk in parallel.chunks(range(10_000))]
    assert sizes[0] == 625 and max(sizes[-8:]) <= 625 // 4
    assert sum(sizes[-8:]) <= 2 * 625  # only about a chunk per worker is cut


class _Pages:
    """A renderer of one-line pages: enough for render_pages and its workers."""

    class config:
        base_path = "/"

    def render_page(self, page: Page) -> Output:
        return Output(page.path, f"<p>{page.path}</p>".encode())


@pytest.mark.parametrize("count", [30, 1_000])
def test_render_pages_says_once_when_its_workers_near_the_end(tmp_path, monkeypatch, count: int) -> None:
    # The build starts the search index then, so that its workers take the cores the
    # render workers leave; rendered in this process (few pages), nothing is said.
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    placement = Placement(tmp_path / "stage", tmp_path / "public", False)
    jobs = [(Page(f"p{n}/", "page"), "fingerprint", None) for n in range(count)]
    collected, told = [], []
    for done in render_pages(_Pages(), placement, jobs, lambda: told.append(len(collected))):  # type: ignore[arg-type]
        collected.append(done.file)
    assert collected == [f"p{n}/index.html" for n in range(count)]
    if in_process(count):
        assert told == []
    else:
        # Told once, after every page but half the last share was collected, before the last page.
        assert len(told) == 1 and count - parallel.last_share(count) // 2 <= told[0] < count
        assert parallel.last_share(count) < count / 2


@pytest.mark.parametrize("trouble", ["none", "no temporary file", "the process dies"])
def test_work_beside_comes_back_or_is_worked_out_here(monkeypatch, trouble: str) -> None:
    import os

    if trouble == "no temporary file":
        monkeypatch.setattr(parallel.tempfile, "TemporaryFile", lambda **_: (_ for _ in ()).throw(OSError("no space")))
    if trouble == "the process dies":
        monkeypatch.setattr(parallel, "_send_result", lambda *_: os._exit(1))
    me = os.getpid()
    beside = parallel.Beside(lambda: ("worked out by", os.getpid() == me, list(range(5))))
    found = beside.result()
    assert found == ("worked out by", trouble != "none", [0, 1, 2, 3, 4])
