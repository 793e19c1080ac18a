"""Search: the Pagefind index for the web, our own index for file://.

`index_search` is the build's one call into this package.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import urls
from ..config import Config
from ..emit import Placement, keep_previous, keep_unchanged, place
from ..link import Linked
from ..parallel import workers
from .offline import FOLDER, offline_files
from .pagefind import shard_key, write_shards
from .records import records
from .shards import plan_shards

PAGEFIND = "pagefind/"
MANIFEST = PAGEFIND + "shards.json"  # the shards, newest first: what search.js loads


@dataclass
class SearchReport:
    records: int = 0
    shards: int = 0
    reused: list[str] = field(default_factory=list)  # shards kept from the previous build, not indexed again
    files: list[str] = field(default_factory=list)  # site paths of every search file of this build
    timings: dict[str, float] = field(default_factory=dict)  # "pagefind" is the whole; "offline" runs inside it


def index_search(linked: Linked, config: Config, placement: Placement, site: str, articles: Mapping[str, str]) -> SearchReport:
    """Stage pagefind/<shard>/ for the shards that changed, pagefind/shards.json and search-index/.

    `site` is the build's digest of config and templates, `articles` each
    article's digest as shown (fingerprint.article_digests), by id: together
    they tell which shards changed before any record is indexed.
    """
    report = SearchReport()
    items = list(records(linked, config))
    shards = plan_shards(items)
    report.records, report.shards = len(items), len(shards)
    clock = time.perf_counter()
    language = config.language.split("-")[0]
    shown = {urls.article(i): d for i, d in articles.items()}
    keys = {s.name: shard_key(site, language, ((r.url, shown[r.url]) for r in s.records)) for s in shards}
    previous = placement.previous / PAGEFIND
    # Pagefind indexes in its own processes, and while it does, this one is free:
    # the offline index is made meanwhile, not after.
    with ThreadPoolExecutor(1) as pool:
        indexing = pool.submit(
            write_shards, shards, keys, language, placement.stage / PAGEFIND, previous if previous.is_dir() else None, workers()
        )
        offline = []
        for name, data in offline_files(items):
            place(placement, name, data)  # unchanged files are left alone, as pages are
            offline.append(name)
        report.timings["offline"] = time.perf_counter() - clock
        report.reused, shard_files = indexing.result()
    kept = sorted(f"{PAGEFIND}{name}/{file}" for name in report.reused for file in shard_files[name])
    fresh = sorted(f"{PAGEFIND}{name}/{file}" for name, names in shard_files.items() if name not in report.reused for file in names)
    keep_previous(placement, kept)
    keep_unchanged(placement, fresh)
    place(placement, MANIFEST, json.dumps([s.name for s in shards]).encode())
    report.timings["pagefind"] = time.perf_counter() - clock
    report.files = sorted(offline + kept + fresh + [MANIFEST])
    return report


__all__ = ["index_search", "SearchReport", "FOLDER", "PAGEFIND", "MANIFEST"]
