"""The build: load, parse, model, link, render, write, index. Data flows one way.

Every output goes to a staging folder beside public/ and is swapped in only
when the whole build succeeded; pages whose fingerprint did not change are
linked from the previous build instead of rendered again.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sqlite3
import stat
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import BuildCache, CachedPage, KnownPage, digest, is_damaged, set_aside
from .config import Config
from .content.discover import Sources, discover
from .content.model import Warning_
from .errors import ContentError, Problem, SitegenError
from .fingerprint import finish_digest, input_digest, input_parts
from .write import clean_stale, commit_in_place, digest_stats, file_stats, recover, staging_dir, stats_digest, swap_in

if TYPE_CHECKING:
    from .content.model import Library
    from .link import Linked
    from .load import Loaded
    from .search.offline_patch import Previous
    from .search.prepare import SearchText
    from .search.stage import EarlyOffline, SearchReport

MARKER = ".sitegen-build"  # names the build that wrote public/, so the cache can vouch for it
FEW_ARTICLES = 10  # changed since the last build: the search index of such an edit starts before the plan


@dataclass
class Report:
    articles: int = 0
    undated: int = 0
    drafts_skipped: int = 0
    parsed: int = 0  # articles parsed this time (the rest came from the cache)
    pages: int = 0
    rendered: int = 0
    written: int = 0  # files whose bytes changed; the others kept their inode and mtime
    static: int = 0
    unchanged: bool = False  # nothing to do: public/ was left exactly as it was
    skipped: bool = False  # the inputs and public/ matched the last build: nothing was loaded, rendered or indexed
    warnings: list[Warning_] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    search: SearchReport | None = None


def default_cache_dir(config: Config) -> Path:
    return config.root / ".sitegen-cache"


def load(config: Config, include_drafts: bool = False, report: Report | None = None) -> Linked:
    """The linked library alone (no cache, nothing written): for tools and tests."""
    from .load import load_site

    loaded = load_site(config, include_drafts)
    if report is not None:
        report.warnings = loaded.warnings
    return loaded.linked


def build(
    config: Config,
    out: Path,
    include_drafts: bool = False,
    log: Callable[[str], None] | None = None,
    cache_dir: Path | None = None,
) -> Report:
    """Build the site into `out`; on any error the previous `out` is left as it was."""
    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    start = time.perf_counter()
    out = out.resolve()
    recover(out)
    clean_stale(out)
    path = (cache_dir or default_cache_dir(config)) / "cache.sqlite3"
    try:
        return _build_with(BuildCache(path, warn=log), config, out, include_drafts, log, start)
    except sqlite3.DatabaseError as exc:
        # Damage that opening the cache did not see (its commits do not wait for the
        # disk, so an OS crash may leave some): a failed build has left public/ as it
        # was, and one that failed after its commit left it whole, so build again
        # without the cache, as for a cache found damaged on opening.
        if not is_damaged(exc):
            raise
        log(f"warning: ignoring the build cache {path} ({exc}); a full build follows")
        set_aside(path)
        return _build_with(BuildCache(path, warn=log), config, out, include_drafts, log, start)


def _build_with(cache: BuildCache, config: Config, out: Path, include_drafts: bool, log: Callable[[str], None], start: float) -> Report:
    try:
        clock = time.perf_counter()
        read: dict[str, bytes] = {}
        if _vouched(cache, out):
            inputs = input_digest(config, include_drafts, read)
            hashed = time.perf_counter() - clock
            report = _unchanged(cache, out, inputs, log) or _build(config, out, include_drafts, log, cache, inputs, read)
        else:
            # No build to keep as it is: the articles are hashed as they are parsed, and
            # the digest is finished from those hashes (the other inputs are hashed now,
            # before anything reads them, as a no-op check would have).
            sources = discover(config.root)  # once: the articles deferred are those loaded
            parts = input_parts(config, include_drafts, read, frozenset(sources.articles))
            hashed = time.perf_counter() - clock
            report = _build(config, out, include_drafts, log, cache, parts, read, sources)
        report.timings = {"inputs": hashed, **report.timings, "total": time.perf_counter() - start}
        return report
    finally:
        cache.close()


def _vouched(cache: BuildCache, out: Path) -> bool:
    """Whether the cache vouches for a build whose marker public/ carries: only then
    may this build find nothing to do (`_unchanged`)."""
    generation = cache.get("generation")
    try:
        return bool(generation) and (out / MARKER).read_text() == generation
    except OSError:
        return False


# What the last build reported, kept so that a build it vouches for can say the same.
SUMMARY = ("articles", "undated", "drafts_skipped", "pages", "static")


def _unchanged(cache: BuildCache, out: Path, inputs: str, log: Callable[[str], None]) -> Report | None:
    """The last build's report, if it had these very inputs and public/ is as it left it; else None.

    Nothing is trusted that this cannot check: the inputs by their digest, the
    build that wrote public/ by its marker (the caller found it `_vouched`), and
    every file it wrote by size and mtime.
    """
    if cache.get("inputs") != inputs:
        return None
    clock = time.perf_counter()
    try:
        summary, files = json.loads(cache.get("summary")), cache.files()
        report = Report(unchanged=True, skipped=True, **{k: summary[k] for k in SUMMARY})
        report.warnings = [Warning_(**w) for w in summary["warnings"]]
    except (OSError, ValueError, KeyError, TypeError):  # a summary this version did not write
        return None
    if stats_digest(out, files) != cache.get("outputs"):
        return None
    for warning in report.warnings:
        log(str(warning))  # they stand until the sources are fixed, so every build shows them
    log(f"unchanged: {report.articles} articles, {report.pages} pages, as the last build left them")
    report.timings["check"] = time.perf_counter() - clock
    return report


def _build(
    config: Config, out: Path, include_drafts: bool, log: Callable[[str], None], cache: BuildCache, inputs: str | list[bytes | str],
    read: dict[str, bytes], sources: Sources | None = None,
) -> Report:
    """Load and make the site. `inputs`: the input digest, or its parts (`input_parts`) to
    finish from the hashes of the articles, which `read` holds once they are loaded;
    `sources`, the files those parts deferred (else they are discovered when loading)."""
    # Imported here, not at the top: a build that finds nothing changed needs none
    # of Jinja, Pagefind, the Markdown parser or the linker (~0.4 s of start-up).
    from .load import load_site
    from .parallel import collection_paused, frozen

    early: EarlyOffline | None = None

    def library_made(library: Library, hashes: dict[str, str], search: dict[str, SearchText]) -> None:
        # A build into a new tree makes its offline index whole, from the library alone:
        # begun now, it has a core to itself while this process relates, links and plans.
        from .emit import Placement
        from .fingerprint import site_digest
        from .parallel import in_process
        from .search.stage import start_offline

        nonlocal early
        if not in_process(len(library.articles)):
            placement = Placement(staging_dir(out), out, False)
            early = start_offline(library, config, placement, site_digest(config, include_drafts), hashes, cache.path, search)

    # The model is a few million objects, made once, then only read, with no cycles
    # among them (nor does parsing leave any): the collector is paused while it is
    # made, then kept from scanning it again. At 10,000 articles an edit's collections
    # took ~0.45 s, a third of it in full scans of the model that found nothing.
    try:
        with collection_paused():
            # `sources` were discovered only when no build in place can be kept (`_build_with`).
            loaded = load_site(config, include_drafts, cache, read, sources, library_made if sources is not None else None)
    except BaseException:
        if early is not None:
            early.close()
            shutil.rmtree(staging_dir(out), ignore_errors=True)
        raise
    inputs_digest = inputs if isinstance(inputs, str) else finish_digest(inputs, read)
    with frozen():
        return _make(config, out, include_drafts, log, cache, inputs_digest, loaded, early)


def _make(
    config: Config, out: Path, include_drafts: bool, log: Callable[[str], None], cache: BuildCache, inputs: str, loaded: Loaded,
    early: EarlyOffline | None = None,
) -> Report:
    """Plan, render, index and commit the site `loaded` holds; save what the next build needs.
    `early`: the offline index, begun already, of a build into a new tree (`start_offline`)."""
    from tqdm import tqdm

    from . import dataset, urls
    from .emit import Placement, keep_previous, place, place_tree, render_pages
    from .fingerprint import article_digests, page_fingerprint, profile_digests, site_digest
    from .publish import listed_pages, publishing_files
    from .related_update import encode as encode_basis
    from .render import Renderer
    from .parallel import Beside, in_process
    from .search.stage import FOLDER, PendingSearch, start_search
    from .theme import static_dirs
    from .verify import LinkLedger, links_text, read_links

    report = Report()
    linked, library = loaded.linked, loaded.linked.library
    report.timings.update(loaded.timings)
    report.warnings = loaded.warnings
    for warning in loaded.warnings:
        log(str(warning))
    report.articles = len(library.articles)
    report.parsed = loaded.parsed
    report.undated = sum(1 for a in library.articles if a.date is None)
    report.drafts_skipped = len(loaded.hashes) - len(library.articles)
    log(f"load: {len(loaded.hashes)} articles ({loaded.parsed} parsed, {loaded.cached} from cache)")

    clock = time.perf_counter()
    site = site_digest(config, include_drafts)
    adigests, pdigests = article_digests(library, loaded.hashes), profile_digests(linked)
    in_place = _vouched(cache, out)
    search_key = digest(site, *sorted(adigests.values()))
    last_search_files: list[str] = json.loads(cache.get("search_files") or "[]") if in_place else []
    # The last index is kept only as that build left it: one with a file deleted or
    # rewritten since is made again (stats_digest is None when a file is missing).
    search_same = in_place and cache.get("search") == search_key and cache.get("search_stats") == stats_digest(out, last_search_files)
    stage = staging_dir(out)
    stage.mkdir(parents=True, exist_ok=True)  # the early offline index may have made it
    placement = Placement(stage, out, in_place)
    searching = None
    try:
        started = time.perf_counter()
        offline = _previous_offline(cache, out, last_search_files) if in_place and not search_same else None
        if early is not None:
            assert not in_place, "an offline index begun early is of a build into a new tree"
            offline = early

        def begin_search() -> PendingSearch:
            # What search indexes of the articles is read only now: the build holds none of it before.
            texts = cache.search_texts(loaded.hashes) | loaded.search
            return start_search(linked, config, placement, site, adigests, texts, offline)

        # Search indexes (in forked workers, for a large index) beside the rendering
        # only when this process renders alone, as for an edit: beside render workers
        # they would only share the same two cores, with more copies of the model. An
        # edit's index starts before the plan, so that Pagefind's shard is written while
        # this process plans too: a render is small when the templates, config and code
        # are the last build's and few articles changed (~30 pages each, against
        # parallel.PARALLEL_THRESHOLD). Should one prove large (a prolific author
        # renamed, say), the index only shares the cores with the render workers.
        if not search_same and in_place and cache.get("site") == site and loaded.parsed + len(loaded.gone) <= FEW_ARTICLES:
            searching = begin_search()
        started = time.perf_counter() - started  # counted as search time, not planning
        renderer = Renderer(linked, config, cache.path.parent / "templates")
        pages = renderer.pages()
        known = cache.pages() if in_place else {}
        reuse: dict[str, KnownPage] = {}
        looked: dict[str, tuple[int, int]] = {}  # size and mtime of each file _standing found in place
        jobs = []
        for page in pages:
            fingerprint = page_fingerprint(site, page, adigests, pdigests)
            file = urls.output_file(page.path)
            kept = _standing(known, out, file, looked)
            if kept and kept.fingerprint == fingerprint:
                reuse[file] = kept
            else:
                jobs.append((page, fingerprint, kept.digest if kept else None))
        report.pages, report.rendered = len(pages), len(jobs)
        report.timings["plan"] = time.perf_counter() - clock - started

        clock = time.perf_counter()
        if searching is None and not search_same and in_process(report.rendered):
            searching = begin_search()
        started += time.perf_counter() - clock

        clock = time.perf_counter()
        data_records: dict[str, tuple[str, str]] = {}
        gone_data_records: list[str] = []
        if any(page.kind == "data" for page, _, _ in jobs) and dataset.single_file(library):
            # Made here, not where the page is rendered (perhaps a worker), so that
            # the new ones are saved; the others come from the cache.
            code = digest(site, Path(dataset.__file__).read_bytes())
            saved = cache.data_records()
            texts = dataset.record_texts(config, library, {i: digest(code, i, d) for i, d in adigests.items()}, saved)
            renderer.record_texts.update((i, text) for i, (_, text) in texts.items())
            data_records = {i: made for i, made in texts.items() if saved.get(i) != made}
            gone_data_records = [i for i in saved if i not in texts]
        records: dict[str, CachedPage] = {}
        # Fed as pages come back: it keeps each linked file once, where the pages' own
        # lists of them took ~50 MB at 10,000 articles (~500 MB at 100,000).
        ledger = LinkLedger()
        keep_previous(placement, reuse)
        # A bar on a terminal for long renders; CI and logs get the plain line below.
        bar = tqdm(total=report.rendered, desc="render", unit="file", disable=report.rendered < 500 or not sys.stderr.isatty())

        def search_beside() -> None:
            # Started as the render workers run out of pages, not once they are gone: its
            # workers then take the cores they leave (~0.4 s at 10,000 articles, where this
            # process alone read the texts and planned the shards).
            nonlocal searching, started
            if searching is None and not search_same:
                clock = time.perf_counter()
                searching = begin_search()
                started += time.perf_counter() - clock

        before = started
        for done in render_pages(renderer, placement, jobs, search_beside):
            records[done.file] = done.record
            ledger.add(done.file, done.targets)
            report.written += done.written
            bar.update()
        bar.close()
        log(f"render: {report.pages} pages ({report.rendered} rendered, {len(reuse)} unchanged)")
        report.timings["render"] = time.perf_counter() - clock - (started - before)

        # If not started yet, started now, not after the feeds and sitemaps: its workers then
        # have both cores while this process makes them, where one core idled (~0.5 s at 10,000 articles).
        search_beside()

        statics, written = place_tree(placement, static_dirs(config), "static")
        report.static, report.written = len(statics), report.written + written
        files = set(reuse) | set(records) | set(statics)

        # Feeds and sitemaps (and the last build's list of files) while the search index
        # is made, which they do not show.
        clock = time.perf_counter()
        everything = reuse | records
        published: dict[str, CachedPage] = {}  # made this time
        unmade: list[str] = []  # kept from the last build
        for item in publishing_files(config, linked, listed_pages(pages, everything), site, adigests):
            kept = _standing(known, out, item.file, looked)
            if kept and kept.fingerprint == item.fingerprint:
                unmade.append(item.file)
            else:
                data = item.make()
                data_digest = digest(data)
                report.written += place(placement, item.file, data, kept.digest if kept else None, data_digest)
                published[item.file] = CachedPage(item.fingerprint, data_digest, len(data), links_text(()), None)
        keep_previous(placement, unmade)
        files.update(published, unmade)
        listed = cache.files() if in_place else []
        previous_files = set(listed)
        publishing = time.perf_counter() - clock

        clock = time.perf_counter()
        if search_same:
            search_files = last_search_files
            keep_previous(placement, search_files)
        else:
            assert searching is not None
            report.search, searching = searching.finish(), None
            search_files = list(report.search.files)
        files.update(search_files)
        report.timings["search"] = started + time.perf_counter() - clock  # what the rest did not hide, if beside it

        clock = time.perf_counter()
        gone, added = previous_files - files, files - previous_files
        # Sorted for the build's name, the vouchers and the cache, from the last build's
        # list, which is sorted already: sorted() then only places the few added, where
        # sorting 50,000 paths afresh took ~0.1 s.
        ordered = sorted([*(f for f in listed if f not in gone), *added])
        # A kept page's links all landed on the last build's files (that build checked
        # them, or kept them from one that did), so only a file gone since that some page
        # linked to can break them; without one, the pages rendered now are all to check.
        # (Search files come and go with every edit, but no page links to them.)
        all_targets = not reuse or bool(gone and cache.linked_among(gone))
        kept_links = cache.page_links(reuse) if reuse and all_targets else {}
        for file, links in kept_links.items():  # none unless a kept page's links must be checked again
            ledger.add(file, (target for target, _ in read_links(links)))
        problems = ledger.broken(files, lambda file: records[file].links if file in records else kept_links[file])  # the pages that added links
        if problems:
            raise ContentError(problems)
        report.timings["publish"] = publishing + time.perf_counter() - clock  # feeds, sitemaps and the link check

        generation = digest(*(f"{f}:{everything[f].digest}" for f in ordered if f in everything), search_key, *ordered)
        clock = time.perf_counter()
        place(placement, MARKER, generation.encode())
        if in_place and not gone and not any(stage.iterdir()):
            report.unchanged = True  # public/ and every mtime in it stay exactly as they were
            stage.rmdir()
        else:
            if in_place:
                commit_in_place(stage, out, gone, MARKER)
            else:
                swap_in(stage, out)
        report.timings["commit"] = time.perf_counter() - clock
    except BaseException:
        if searching is not None:
            searching.cancel()
        if early is not None:
            early.close()
        shutil.rmtree(stage, ignore_errors=True)
        raise
    # Saved after the commit: a build killed in between leaves a cache that no longer
    # vouches for public/ (the marker differs), so the next build renders everything.
    clock = time.perf_counter()
    # Kept files are left alone in place, so they still are as the plan found them.
    kept_stats = {f: looked[f] for f in (*reuse, *unmade)}
    vouchers = partial(
        _vouchers, out, ordered, inputs, report, kept_stats,
        {"search_stats": search_files, "offline_stats": [f for f in search_files if f.startswith(FOLDER)]},
    )  # fmt: skip
    vouching = Beside(vouchers) if len(ordered) - len(kept_stats) >= VOUCH_BESIDE_FROM else None
    # Lists the cache holds already are given back as it holds them, so that `save`
    # writes nothing for them: rewriting the megabytes of unchanged related articles
    # took ~0.1 s of an edit at 10,000 articles.
    try:
        cache.save(
            loaded.gone, records | published, [f for f in known if f not in everything and f not in files],
            {
                "generation": generation, "search": search_key, "site": site,
                "search_files": cache.get("search_files") if search_same else json.dumps(search_files),
                "related_key": loaded.related_key,
                "related": cache.get("related") if loaded.related_cached else json.dumps(linked.related, ensure_ascii=False),
                "related_basis": cache.get("related_basis") if loaded.related_basis is None else encode_basis(loaded.related_basis),
            },
            ledger.wanted, all_targets, data_records, gone_data_records, report.search.offline if report.search else None,
            added if in_place else ordered, gone if in_place else None,
            later=vouching.result if vouching else vouchers,
        )  # fmt: skip
    finally:
        if vouching:
            vouching.close()
    report.timings["save"] = time.perf_counter() - clock
    return report


def _previous_offline(cache: BuildCache, out: Path, search_files: list[str]) -> Previous | None:
    """The last build's offline index, to patch, if every file of it (among the last
    build's `search_files`) is in public/ as that build left it (their sizes and
    mtimes): a patch keeps most of them unread."""
    from .search.offline_patch import previous_index
    from .search.stage import FOLDER

    files = [f for f in search_files if f.startswith(FOLDER)]
    if cache.get("offline_stats") != stats_digest(out, files):
        return None
    return previous_index(out, files, cache.offline_keys(), cache.offline_weights)


def _standing(known: dict[str, KnownPage], out: Path, file: str, looked: dict[str, tuple[int, int]]) -> KnownPage | None:
    """The last build's record of `file`, while the file is there with the size it had
    (its size and mtime go into `looked`).

    One damaged since (truncated, say) is compared by its bytes, so it is written again."""
    old = known.get(file)
    if old is None:
        return None
    try:  # one stat, not pathlib's two, for each of the ~40,000 pages of a 10,000-article plan
        found = os.stat(f"{out}/{file}")
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode) or found.st_size != old.size:
        return None
    looked[file] = (found.st_size, found.st_mtime_ns)
    return old


# From this many files to look at, the vouchers are worked out in a forked process
# while this one saves the cache: at 10,000 articles their ~64,000 stat calls took (when
# it wrote three citation files an article) ~0.5 s, alone at the build's end; an edit's
# few are not worth a fork.
VOUCH_BESIDE_FROM = 5_000


def _vouchers(
    out: Path, files: list[str], inputs: str, report: Report, looked: dict[str, tuple[int, int]], parts: dict[str, list[str]]
) -> dict[str, str]:
    """What lets the next build with the same inputs stop at once: those inputs, the
    size and mtime of every file now in public/ (`files`, in the order the cache lists
    them; `looked`: those known already), and this build's report. With them, under
    its name, the sizes and mtimes of each of `parts` (the search indexes' files), by
    which the next build may keep or patch them."""
    fresh = file_stats(out, [f for f in files if f not in looked])  # each file once, for every digest
    if fresh is None:  # a file went missing since the commit: let the next build look again
        return {"inputs": "", "outputs": ""} | dict.fromkeys(parts, "")
    stats = looked | fresh
    summary = {k: getattr(report, k) for k in SUMMARY} | {"warnings": [dataclasses.asdict(w) for w in report.warnings]}
    vouchers = {"inputs": inputs, "outputs": digest_stats(stats, files), "summary": json.dumps(summary, ensure_ascii=False)}
    return vouchers | {name: digest_stats(stats, part) for name, part in parts.items()}


__all__ = ["build", "load", "Report", "SitegenError", "Problem"]
