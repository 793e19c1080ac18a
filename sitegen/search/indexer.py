"""The Pagefind indexer as a program of its own: `python -m sitegen.search.indexer JOBS`.

The build starts it before it renders an edit's few pages, so that the
shard indexes meanwhile, and after a large rendering (beside render workers
it would hold memory for little gain); either way the build makes the
offline index while it runs. It is a new program, not
a fork of the build: forking a process that runs threads (the asyncio client)
copies their locks mid-use, and a forked indexer failed now and then in
exactly that way. Records travel in files, one JSON line each, so the build
keeps no pipe open to it and its workers inherit none.

JOBS is a JSON file: {"language", "services", "parent": the build's pid,
"jobs": [[records file, output folder], ...]}, in a folder of its own in the
build's staging folder.
Exit status 0 when every shard was written; otherwise the error is on stderr.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sys
from pathlib import Path

from .pagefind import index_all

WATCH_SECONDS = 1.0  # how often it checks that the build that started it is still there


def read_fields(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


async def _watch(parent: int, scratch: Path) -> None:
    """End this process group (it and its Pagefind processes) once the build is gone:
    a build killed mid-way must not leave an indexer writing into its staging folder."""
    while True:
        await asyncio.sleep(WATCH_SECONDS)
        if os.getppid() != parent:
            shutil.rmtree(scratch, ignore_errors=True)
            os.killpg(0, signal.SIGKILL)


async def _main(spec: dict, scratch: Path) -> None:
    watcher = asyncio.create_task(_watch(int(spec["parent"]), scratch))
    jobs = [(lambda p=Path(records): read_fields(p), Path(output)) for records, output in spec["jobs"]]
    try:
        await index_all(jobs, spec["language"], spec["services"])
    finally:
        watcher.cancel()


def main(argv: list[str]) -> int:
    path = Path(argv[0])
    spec = json.loads(path.read_text(encoding="utf-8"))
    try:
        asyncio.run(_main(spec, path.parent))
    except Exception as exc:  # reported to the build, which names it in its error
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        if os.getppid() != int(spec["parent"]):  # the build went while the last shard was written
            shutil.rmtree(path.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
