"""How work is split over processes. Forked workers inherit the immutable model,
so only small job descriptions travel to them. And how the garbage collector is
kept off that model, which has no cycles to find."""

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
    """Several chunks per worker, so one slow chunk does not idle the others; the last
    ones (a chunk's worth per worker, `last_share`) cut in quarters, so that the workers
    end together: with whole chunks of a 10,000-article build's ~1 s each, one worker
    went on alone for up to ~0.7 s at the end of parsing."""
    size = max(50, len(items) // (workers() * per_worker))
    cut = len(items) - last_share(len(items), per_worker)
    small = max(25, size // 4)
    return [items[i : min(i + size, cut)] for i in range(0, cut, size)] + [items[i : i + small] for i in range(cut, len(items), small)]


def last_share(items: int, per_worker: int = 8) -> int:
    """How many of `items` are in the quartered chunks at the end of `chunks`: once
    only those are left, the workers are about to run out of work."""
    return min(items, max(50, items // (workers() * per_worker)) * workers())


@contextmanager
def collection_paused() -> Iterator[None]:
    """No automatic garbage collection inside: for making many objects that form no
    cycles, which each collection would only scan again (forked workers inherit the
    pause). Left as it was found on the way out."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_frozen_depth = [0]  # frozen() may be nested: only the outermost unfreezes


@contextmanager
def frozen() -> Iterator[None]:
    """Keep the objects made so far out of garbage collection: the build's model, read
    until the build ends, so that no collection scans it again; and for forked workers,
    whose collections would write to every object they scanned, so each would copy
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
