"""The search stage: the Pagefind index for the web, our own index for file://.

The build calls `start_search` before it renders when the render is small (an
edit), else as the render ends, and `PendingSearch.finish` after that. A build
into a new tree begins its offline index earlier still, once the library is
made (`start_offline`), and `start_search` takes it from there.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import urls
from ..cache import OfflineDocs, connect, search_texts
from ..config import Config
from ..content.model import Library
from ..emit import Placement, keep_previous, keep_unchanged, place
from ..fingerprint import article_digests
from ..link import Linked
from ..parallel import Beside, workers
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


def _basis(config: Config, site: str) -> tuple[str, str]:
    """The index's language, and `index_basis`."""
    language = config.language.split("-")[0]
    return language, index_basis(site, language)


def _shown(articles: Mapping[str, str]) -> dict[str, str]:
    """Each article's digest as shown, by its record's url."""
    return {urls.article(i): d for i, d in articles.items()}


def _record_keys(basis: str, shown: Mapping[str, str]) -> dict[str, str]:
    """Each record's offline document key (`record_key`), by url; `shown` as `_shown` gives it."""
    return {url: record_key(basis, url, digest) for url, digest in shown.items()}


def start_search(
    linked: Linked, config: Config, placement: Placement, site: str, articles: Mapping[str, str], texts: Mapping[str, Sequence[str]],
    offline: Previous | EarlyOffline | None = None,
) -> PendingSearch:
    """Start staging pagefind/<shard>/ for the shards that changed; `finish` adds
    the offline index (search-index/) and pagefind/shards.json.

    `site` is the build's digest of config and templates, `articles` each
    article's digest as shown (fingerprint.article_digests), by id: together
    they tell which shards and which offline documents changed before any
    record is indexed. `texts`: what search indexes of the articles, by source
    (`records`). `offline`: the last build's offline index, to patch; or the
    offline index being made already (`start_offline`).
    """
    clock = time.perf_counter()
    items = list(records(linked.library, config, texts))
    shards = plan_shards(items)
    language, basis = _basis(config, site)
    shown = _shown(articles)
    keys = {s.name: shard_key(basis, ((r.url, shown[r.url]) for r in s.records)) for s in shards}
    previous = placement.previous / PAGEFIND
    indexing = start_shards(shards, keys, language, placement.stage / PAGEFIND, previous if previous.is_dir() else None, workers())
    return PendingSearch(items, _record_keys(basis, shown), offline, [s.name for s in shards], indexing, placement, clock)


# Placed files of an offline index (site paths), and what the build cache keeps of its documents.
Placed = tuple[list[str], OfflineDocs]
EarlyOffline = Beside[Placed]


def start_offline(
    library: Library, config: Config, placement: Placement, site: str, hashes: Mapping[str, str], cache: Path,
    texts: Mapping[str, Sequence[str]],
) -> EarlyOffline:
    """Start making a whole offline index from the library alone, in a forked process
    (`parallel.Beside`), for `start_search` to take: for a build into a new tree,
    as soon as the library is made. Search has a core to itself while the build's
    own process relates, links and plans (~2 s at 10,000 articles).

    `hashes`: the articles' content hashes by source (build cache keys); `cache`: the
    build cache's file, where the forked process reads what search indexes of each
    article; `texts`: the same of articles that the cache does not hold."""

    def work() -> Placed:
        db = connect(cache)
        try:
            known = search_texts(db, hashes)
        finally:
            db.close()
        _, basis = _basis(config, site)
        index = whole_index(records(library, config, known | dict(texts)), _record_keys(basis, _shown(article_digests(library, hashes))))
        return _place_offline(index, placement)

    return Beside(work)


def _place_offline(index: OfflineIndex, placement: Placement) -> Placed:
    placed = []
    for name, data in index.files:
        place(placement, name, data)  # unchanged files are left alone, as pages are
        placed.append(name)
    keep_previous(placement, index.kept)
    return placed + index.kept, index.docs


class PendingSearch:
    """A search index on its way: Pagefind's shards may be indexing in another
    process while the build works on (`pagefind.start_shards`)."""

    def __init__(
        self, items: list[Record], keys: dict[str, str], offline: Previous | EarlyOffline | None, shards: list[str],
        indexing: PendingShards, placement: Placement, clock: float,
    ) -> None:  # fmt: skip
        self.items, self.keys, self.offline, self.shards = items, keys, offline, shards
        self.indexing, self.placement, self.clock = indexing, placement, clock

    def finish(self) -> SearchReport:
        """The offline index (made meanwhile), then Pagefind's shards once written."""
        placement, clock = self.placement, time.perf_counter()
        report = SearchReport(records=len(self.items), shards=len(self.shards))
        try:
            offline, report.offline = self._offline_index()
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

    def _offline_index(self) -> Placed:
        """The offline index made already, or the last build's patched where it can be; else made whole."""
        if isinstance(self.offline, Beside):
            return self.offline.result()
        if self.offline is not None and self.placement.in_place:
            docs = ordered(self.items)
            patched = patch_index(docs, [self.keys[r.url] for r in docs], self.offline)
            if patched is not None:
                return _place_offline(patched, self.placement)
        return _place_offline(whole_index(self.items, self.keys), self.placement)

    def cancel(self) -> None:
        self.indexing.cancel()
        if isinstance(self.offline, Beside):
            self.offline.close()


__all__ = ["start_search", "PendingSearch", "SearchReport", "FOLDER", "PAGEFIND", "MANIFEST"]
