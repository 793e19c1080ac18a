"""The search stage: the Pagefind index for the web, our own index for file://.

The build calls `start_search` before it renders and `PendingSearch.finish`
after; `index_search` does both at once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import urls
from ..config import Config
from ..emit import Placement, keep_previous, keep_unchanged, place
from ..link import Linked
from ..parallel import workers
from .offline import FOLDER, offline_files
from .pagefind import PendingShards, shard_key, start_shards
from .records import Record, records
from .shards import plan_shards

PAGEFIND = "pagefind/"
MANIFEST = PAGEFIND + "shards.json"  # the shards, newest first: what search.js loads


@dataclass
class SearchReport:
    records: int = 0
    shards: int = 0
    reused: list[str] = field(default_factory=list)  # shards kept from the previous build, not indexed again
    files: list[str] = field(default_factory=list)  # site paths of every search file of this build
    # "pagefind": from its start to its end; "offline": the offline index, made after rendering
    timings: dict[str, float] = field(default_factory=dict)


def index_search(linked: Linked, config: Config, placement: Placement, site: str, articles: Mapping[str, str]) -> SearchReport:
    """`start_search` and wait for it."""
    return start_search(linked, config, placement, site, articles).finish()


def start_search(linked: Linked, config: Config, placement: Placement, site: str, articles: Mapping[str, str]) -> PendingSearch:
    """Start staging pagefind/<shard>/ for the shards that changed; `finish` adds
    the offline index (search-index/) and pagefind/shards.json.

    `site` is the build's digest of config and templates, `articles` each
    article's digest as shown (fingerprint.article_digests), by id: together
    they tell which shards changed before any record is indexed.
    """
    clock = time.perf_counter()
    items = list(records(linked, config))
    shards = plan_shards(items)
    language = config.language.split("-")[0]
    shown = {urls.article(i): d for i, d in articles.items()}
    keys = {s.name: shard_key(site, language, ((r.url, shown[r.url]) for r in s.records)) for s in shards}
    previous = placement.previous / PAGEFIND
    indexing = start_shards(shards, keys, language, placement.stage / PAGEFIND, previous if previous.is_dir() else None, workers())
    return PendingSearch(items, [s.name for s in shards], indexing, placement, clock)


class PendingSearch:
    """A search index on its way: Pagefind's shards may be indexing in another
    process while the build works on (`pagefind.start_shards`)."""

    def __init__(self, items: list[Record], shards: list[str], indexing: PendingShards, placement: Placement, clock: float) -> None:
        self.items, self.shards, self.indexing, self.placement, self.clock = items, shards, indexing, placement, clock

    def finish(self) -> SearchReport:
        """The offline index (made meanwhile), then Pagefind's shards once written."""
        placement, clock = self.placement, time.perf_counter()
        report = SearchReport(records=len(self.items), shards=len(self.shards))
        offline = []
        try:
            for name, data in offline_files(self.items):
                place(placement, name, data)  # unchanged files are left alone, as pages are
                offline.append(name)
            report.timings["offline"] = time.perf_counter() - clock
            report.reused, shard_files = self.indexing.finish()
        except BaseException:
            self.indexing.cancel()
            raise
        kept = sorted(f"{PAGEFIND}{name}/{file}" for name in report.reused for file in shard_files[name])
        fresh = sorted(f"{PAGEFIND}{name}/{file}" for name, names in shard_files.items() if name not in report.reused for file in names)
        keep_previous(placement, kept)
        keep_unchanged(placement, fresh)
        place(placement, MANIFEST, json.dumps(self.shards).encode())
        report.timings["pagefind"] = time.perf_counter() - self.clock  # since it started, perhaps before the rendering
        report.files = sorted(offline + kept + fresh + [MANIFEST])
        return report

    def cancel(self) -> None:
        self.indexing.cancel()


__all__ = ["index_search", "start_search", "PendingSearch", "SearchReport", "FOLDER", "PAGEFIND", "MANIFEST"]
