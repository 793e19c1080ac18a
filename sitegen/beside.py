"""Run one stage in a forked process beside the rest of the build.

Search indexing needs only the linked model, and most of its time is spent
waiting on Pagefind's processes, so it runs beside planning and rendering
instead of after them. A fork, not a thread: the model is inherited without
being copied or pickled, and render forks its own workers, which a process
that also runs threads must not do.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from multiprocessing import get_context
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Beside(Generic[T]):
    """`function(*args)` started now in a forked child; `result()` waits for it."""

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        context = get_context("fork")
        self._answer, sender = context.Pipe(duplex=False)
        self._child = context.Process(target=_run, args=(sender, os.getpid(), function, args))
        self._child.start()
        sender.close()  # the child holds the only sending end: its death reads as EOF here

    def result(self) -> T:
        """The function's return value; its exception is raised here."""
        try:
            ok, value = self._answer.recv()
        except EOFError:
            self._child.join()
            raise RuntimeError(f"a build stage stopped without an answer (exit code {self._child.exitcode})") from None
        finally:
            self._answer.close()
        self._child.join()
        if ok:
            return value
        raise value

    def cancel(self) -> None:
        """Stop the child if it still runs (the build failed elsewhere)."""
        if self._child.is_alive():
            self._child.kill()
        self._child.join()
        self._answer.close()


def _run(sender: Connection, parent: int, function: Callable[..., Any], args: tuple) -> None:
    # A build killed with SIGKILL cannot stop its children: this one stops itself
    # rather than go on writing into a staging folder nobody will commit.
    threading.Thread(target=_stop_when_orphaned, args=(parent,), daemon=True).start()
    try:
        answer: tuple[bool, Any] = (True, function(*args))
    except BaseException as exc:  # noqa: BLE001 - every failure is the parent's to report
        answer = (False, exc)
    try:
        sender.send(answer)
    except Exception as exc:  # an exception that cannot be pickled still reaches the parent as text
        sender.send((False, RuntimeError(f"{type(answer[1]).__name__}: {answer[1]} ({exc})")))
    sender.close()


def _stop_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
