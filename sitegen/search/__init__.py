"""Search: the Pagefind index for the web, our own index for file://.

`index_search` is the build's one call into this package.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..link import Linked
from ..write import write_files
from .offline import FOLDER, offline_files
from .pagefind import write_pagefind
from .records import records

PAGEFIND = "pagefind/"


@dataclass
class SearchReport:
    records: int = 0
    reused: bool = False  # the previous build's Pagefind index, copied
    files: list[str] = field(default_factory=list)  # site paths of every file written
    timings: dict[str, float] = field(default_factory=dict)


def index_search(linked: Linked, config: Config, stage: Path, previous: Path | None = None) -> SearchReport:
    """Write stage/pagefind/ and stage/search-index/ for every article.

    `previous` is the last build's output: its Pagefind index is reused when
    made from the same records.
    """
    report = SearchReport()
    previous = previous / PAGEFIND if previous is not None else None
    items = list(records(linked, config))
    report.records = len(items)
    clock = time.perf_counter()
    report.reused = write_pagefind(items, config.language.split("-")[0], stage / PAGEFIND, previous)
    report.timings["pagefind"] = time.perf_counter() - clock
    clock = time.perf_counter()
    offline = list(offline_files(items))
    write_files(stage, offline)
    report.timings["offline"] = time.perf_counter() - clock
    report.files = [name for name, _ in offline]
    report.files += sorted(p.relative_to(stage).as_posix() for p in (stage / PAGEFIND).rglob("*") if p.is_file())
    return report


__all__ = ["index_search", "SearchReport", "FOLDER", "PAGEFIND"]
