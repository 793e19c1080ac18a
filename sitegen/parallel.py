"""How work is split over processes. Forked workers inherit the immutable model,
so only small job descriptions travel to them. And how the garbage collector is
kept off that model, which has no cycles to find."""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import signal
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing import get_context
from multiprocessing.process import BaseProcess
from typing import BinaryIO, Generic, TypeVar

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


def die_with_parent(parent: int) -> None:
    """In a forked worker: be killed when the build is, so that a build killed mid-way
    leaves no worker writing into its staging folder (Linux's parent-death signal)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: a worker ends once its work is done
        pass
    if os.getppid() != parent:  # the build died before the signal was asked for
        os._exit(1)


class Beside(Generic[T]):
    """`work()` worked out in a forked process while the caller goes on: the process
    inherits all it needs, and only the result comes back, pickled. `result` waits
    for it; should the process not start, fail or die, the caller works it out itself,
    so that any error is raised as if there had been no process.

    The result comes back through a file, not a pipe: a process ends as soon as its
    work is done, rather than when the caller asks for the result. Through a pipe,
    the offline index's process (`search.stage.start_offline`) held its ~350 MB while
    it waited to send its 35 MB of documents, through the whole render."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._process: BaseProcess | None = None
        self._file: BinaryIO | None = None
        try:
            # Nameless (unlinked at once), so that nothing is left of it whatever becomes
            # of the build; shared with the process, which inherits it open.
            self._file = tempfile.TemporaryFile(prefix="sitegen-result-")
            process = get_context("fork").Process(target=_send_result, args=(work, self._file, os.getpid()), daemon=True)
            process.start()
        except OSError:  # no temporary file or no process to spare: worked out by `result`
            return
        self._process = process

    def result(self) -> T:
        found = None
        if self._process is not None:
            self._process.join()
            if self._process.exitcode == 0 and self._file is not None:
                self._file.seek(0)  # where the process left it, at its end: the offset is shared
                found = (pickle.load(self._file),)
        self.close()
        return found[0] if found is not None else self._work()

    def close(self) -> None:
        """Done with the process: one still running was not asked (the caller failed), or has answered."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._process = None
        if self._file is not None:
            self._file.close()


def _send_result(work: Callable[[], object], file: BinaryIO, parent: int) -> None:
    die_with_parent(parent)
    try:
        pickle.dump(work(), file, protocol=pickle.HIGHEST_PROTOCOL)
        file.flush()
    except BaseException:  # the caller works it out itself, and raises what it raises
        os._exit(1)
    os._exit(0)  # no interpreter shutdown: nothing the process inherited needs cleaning up
