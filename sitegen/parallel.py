"""How work is split over processes. Forked workers inherit the immutable model,
so only small job descriptions travel to them."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

# Below this many items, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400


def workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def in_process(items: int) -> bool:
    """Whether this many items are done here rather than spread over workers."""
    return items < PARALLEL_THRESHOLD or workers() == 1


def chunks(items: Sequence[T], per_worker: int = 8) -> list[Sequence[T]]:
    """Several chunks per worker, so one slow chunk does not idle the others."""
    size = max(50, len(items) // (workers() * per_worker))
    return [items[i : i + size] for i in range(0, len(items), size)]


_frozen_depth = [0]  # frozen() may be nested: only the outermost unfreezes


@contextmanager
def frozen() -> Iterator[None]:
    """Keep the objects made so far out of garbage collection while forked workers
    run. A worker's collection writes to every object it scans, so each would copy
    the whole inherited model page by page (more memory, and the kernel's time to
    copy); frozen, the pages stay shared. Open it before forking, close it once the
    workers are gone."""
    gc.freeze()
    _frozen_depth[0] += 1
    try:
        yield
    finally:
        _frozen_depth[0] -= 1
        if not _frozen_depth[0]:
            gc.unfreeze()
