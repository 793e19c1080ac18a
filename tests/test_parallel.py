"""How work is cut for the worker processes (sitegen/parallel.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sitegen import parallel


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
