"""The search stage: the Pagefind index for the web, our own index for file://.

The build calls `start_search` before it renders when the render is small (an
edit), else once the pages are placed, and `PendingSearch.finish` after that.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .. import urls
from ..cache import OfflineDocs
from ..config import Config
from ..emit import Placement, keep_previous, keep_unchanged, place
from ..link import Linked
from ..parallel import workers
from .offline import FOLDER, OfflineIndex, ordered, whole_index
from .offline_patch import Previous, patch_index, record_key
from .pagefind import PendingShards, index_basis, shard_key, start_shards
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
    offline: OfflineDocs | None = None  # the offline index's documents, for the build cache
    # "pagefind": from its start to its end; "offline": the offline index, made after rendering
    timings: dict[str, float] = field(default_factory=dict)


def start_search(
    linked: Linked, config: Config, placement: Placement, site: str, articles: Mapping[str, str], texts: Mapping[str, Sequence[str]],
    offline: Previous | None = None,
) -> PendingSearch:
    """Start staging pagefind/<shard>/ for the shards that changed; `finish` adds
    the offline index (search-index/) and pagefind/shards.json.

    `site` is the build's digest of config and templates, `articles` each
    article's digest as shown (fingerprint.article_digests), by id: together
    they tell which shards and which offline documents changed before any
    record is indexed. `texts`: what search indexes of the articles, by source
    (`records`). `offline`: the last build's offline index, to patch.
    """
    clock = time.perf_counter()
    items = list(records(linked, config, texts))
    shards = plan_shards(items)
    language = config.language.split("-")[0]
    basis = index_basis(site, language)
    shown = {urls.article(i): d for i, d in articles.items()}
    keys = {s.name: shard_key(basis, ((r.url, shown[r.url]) for r in s.records)) for s in shards}
    previous = placement.previous / PAGEFIND
    indexing = start_shards(shards, keys, language, placement.stage / PAGEFIND, previous if previous.is_dir() else None, workers())
    record_keys = {r.url: record_key(basis, r.url, shown[r.url]) for r in items}
    return PendingSearch(items, record_keys, offline, [s.name for s in shards], indexing, placement, clock)


class PendingSearch:
    """A search index on its way: Pagefind's shards may be indexing in another
    process while the build works on (`pagefind.start_shards`)."""

    def __init__(
        self, items: list[Record], keys: dict[str, str], offline: Previous | None, shards: list[str], indexing: PendingShards,
        placement: Placement, clock: float,
    ) -> None:  # fmt: skip
        self.items, self.keys, self.offline, self.shards = items, keys, offline, shards
        self.indexing, self.placement, self.clock = indexing, placement, clock

    def finish(self) -> SearchReport:
        """The offline index (made meanwhile), then Pagefind's shards once written."""
        placement, clock = self.placement, time.perf_counter()
        report = SearchReport(records=len(self.items), shards=len(self.shards))
        offline = []
        try:
            index = self._offline_index()
            for name, data in index.files:
                place(placement, name, data)  # unchanged files are left alone, as pages are
                offline.append(name)
            keep_previous(placement, index.kept)
            offline += index.kept
            report.offline = index.docs
            report.timings["offline"] = time.perf_counter() - clock
            report.reused, shard_files, unwritten = self.indexing.finish()
        except BaseException:
            self.indexing.cancel()
            raise
        kept = [f"{PAGEFIND}{name}/{file}" for name in report.reused for file in shard_files[name]]
        kept += [f"{PAGEFIND}{name}/{file}" for name, names in unwritten.items() for file in names]  # a rewritten shard's unchanged fragments
        left = {name: set(names) for name, names in unwritten.items()}
        fresh = [
            f"{PAGEFIND}{name}/{file}" for name, names in shard_files.items() if name not in report.reused for file in names
            if file not in left.get(name, ())
        ]  # fmt: skip
        keep_previous(placement, kept)
        keep_unchanged(placement, fresh)
        place(placement, MANIFEST, json.dumps(self.shards).encode())
        report.timings["pagefind"] = time.perf_counter() - self.clock  # since it started, perhaps before the rendering
        report.files = sorted(offline + kept + fresh + [MANIFEST])
        return report

    def _offline_index(self) -> OfflineIndex:
        """The last build's offline index patched, where it can be; else made whole."""
        if self.offline is not None and self.placement.in_place:
            docs = ordered(self.items)
            patched = patch_index(docs, [self.keys[r.url] for r in docs], self.offline)
            if patched is not None:
                return patched
        return whole_index(self.items, self.keys)

    def cancel(self) -> None:
        self.indexing.cancel()


__all__ = ["start_search", "PendingSearch", "SearchReport", "FOLDER", "PAGEFIND", "MANIFEST"]
