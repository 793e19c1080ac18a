"""Atomic output: build beside public/, then swap it in.

A failed or killed build never touches the previous public/: everything is
written to a staging folder next to it, and only a complete build replaces it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path


def staging_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.staging-{os.getpid()}"


def recover(out: Path) -> None:
    """Undo a swap that was cut short (out moved aside, new one not yet in)."""
    if out.exists():
        return
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if olds:
        olds[-1].rename(out)


def clean_stale(out: Path) -> None:
    """Staging and old folders left by killed builds."""
    for pattern in (f".{out.name}.staging-*", f".{out.name}.old-*"):
        for stale in out.parent.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)


def write_files(stage: Path, files: Iterable[tuple[str, bytes]]) -> int:
    count = 0
    made: set[Path] = set()
    for rel, data in files:
        target = stage / rel
        parent = target.parent
        if parent not in made:
            parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        target.write_bytes(data)
        count += 1
    return count


def copy_static(stage: Path, sources: Iterable[Path], into: str = "static") -> int:
    """Later sources replace earlier ones file by file (site overrides theme)."""
    count = 0
    for source in sources:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                target = stage / into / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                count += 1
    return count


def swap_in(stage: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    stage.rename(out)
    shutil.rmtree(old, ignore_errors=True)
