"""The build: load, parse, model, link, render, write. Data flows one way."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from .config import Config
from .content.discover import Sources, discover
from .content.model import Article, Author, Topic, Warning_
from .content.parse import Parsed, parse_article
from .content.profiles import read_author, read_topic
from .errors import ContentError, Problem, SitegenError
from .library import build_library
from .link import link
from . import urls
from .publish import publishing_files
from .render import Output, Renderer, static_dirs
from .verify import LinkLedger
from .write import clean_stale, copy_static, recover, staging_dir, swap_in, write_files

# Below this many articles, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400


@dataclass
class Report:
    articles: int = 0
    undated: int = 0
    drafts_skipped: int = 0
    pages: int = 0
    static: int = 0
    warnings: list[Warning_] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def _parse_chunk(job: tuple[str, tuple[str, ...], str]) -> list[Parsed]:
    root, sources, lang = job
    base = Path(root)
    return [parse_article((base / s).read_bytes(), s, lang) for s in sources]


def workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def parse_all(sources: Sources, config: Config) -> list[Parsed]:
    items = sources.articles
    root = str(sources.root)
    if len(items) < PARALLEL_THRESHOLD or workers() == 1:
        return _parse_chunk((root, items, config.language))
    size = max(50, len(items) // (workers() * 8))
    jobs = [(root, items[i : i + size], config.language) for i in range(0, len(items), size)]
    with ProcessPoolExecutor(workers(), mp_context=get_context("fork")) as pool:
        return [p for chunk in pool.map(_parse_chunk, jobs) for p in chunk]


def _read_profiles(sources: Sources, problems: list[Problem]) -> tuple[list[Author], list[Topic]]:
    authors, topics = [], []
    for reader, files, bucket in ((read_author, sources.authors, authors), (read_topic, sources.topics, topics)):
        for source in files:
            try:
                bucket.append(reader(sources.root, source))
            except ContentError as exc:
                problems.extend(exc.problems)
    return authors, topics


def load(config: Config, include_drafts: bool = False, report: Report | None = None):
    """Everything up to a linked library; raises SitegenError with every problem found."""
    report = report or Report()
    clock = time.perf_counter()
    sources = discover(config.root)
    parsed = parse_all(sources, config)
    report.timings["parse"] = time.perf_counter() - clock
    problems = [p for item in parsed for p in item.problems]
    warnings = [w for item in parsed for w in item.warnings]
    authors, topics = _read_profiles(sources, problems)
    if problems:
        raise ContentError(problems)
    articles: list[Article] = [p.article for p in parsed if p.article is not None]
    clock = time.perf_counter()
    library = build_library(articles, authors, topics, config, include_drafts, warnings)
    linked = link(library)
    report.timings["link"] = time.perf_counter() - clock
    report.articles = len(library.articles)
    report.undated = sum(1 for a in library.articles if a.date is None)
    report.drafts_skipped = len(articles) - len(library.articles)
    report.warnings = list(warnings)
    return linked


def _render_chunk(job: tuple[Renderer, tuple[str, ...]]) -> list[Output]:
    renderer, ids = job
    return [renderer.article_page(i) for i in ids]


def render_all(renderer: Renderer) -> Iterator[Output]:
    ids = tuple(a.id for a in renderer.linked.library.articles)
    yield from renderer.list_pages()
    if len(ids) < PARALLEL_THRESHOLD or workers() == 1:
        yield from (renderer.article_page(i) for i in ids)
        return
    # Forked workers inherit the renderer, so only ids travel to them and bytes come back.
    size = max(50, len(ids) // (workers() * 8))
    chunks = [ids[i : i + size] for i in range(0, len(ids), size)]
    context = get_context("fork")
    with ProcessPoolExecutor(workers(), mp_context=context, initializer=_adopt, initargs=(renderer,)) as pool:
        for outputs in pool.map(_render_in_worker, chunks):
            yield from outputs


_worker_renderer: list[Renderer] = []  # set once in each worker process, never in the parent


def _adopt(renderer: Renderer) -> None:
    _worker_renderer.append(renderer)


def _render_in_worker(ids: tuple[str, ...]) -> list[Output]:
    renderer = _worker_renderer[0]
    return [renderer.article_page(i) for i in ids]


def build(config: Config, out: Path, include_drafts: bool = False, log: Callable[[str], None] | None = None) -> Report:
    """Build the site into `out`; on any error the previous `out` is left as it was."""
    log = log or (lambda message: print(message, file=sys.stderr))
    report = Report()
    start = time.perf_counter()
    out = out.resolve()
    recover(out)
    clean_stale(out)
    linked = load(config, include_drafts, report)
    for warning in report.warnings:
        log(str(warning))
    clock = time.perf_counter()
    renderer = Renderer(linked, config)
    stage = staging_dir(out)
    stage.mkdir(parents=True)
    try:
        ledger = LinkLedger(config.base_path)
        files: set[str] = set()
        listed: list[tuple[str, dt.datetime | None]] = []  # pages for the sitemap

        def outputs() -> Iterator[tuple[str, bytes]]:
            for output in render_all(renderer):
                if output.file in files:
                    raise ContentError(Problem(output.file, "two pages claim this output file", "give one of them another slug"))
                files.add(output.file)
                ledger.add(output.path, output.data.decode("utf-8"))
                if output.path != urls.NOT_FOUND:
                    listed.append((output.path, output.modified))
                yield output.file, output.data

        report.pages = write_files(stage, outputs())
        report.timings["render+write"] = time.perf_counter() - clock
        report.static = copy_static(stage, static_dirs(config))
        files.update(p.relative_to(stage).as_posix() for p in (stage / "static").rglob("*") if p.is_file())
        extras = list(publishing_files(config, linked, listed))
        write_files(stage, extras)
        files.update(name for name, _ in extras)
        problems = ledger.broken(files)
        if problems:
            raise ContentError(problems)
        clock = time.perf_counter()
        swap_in(stage, out)
        report.timings["swap"] = time.perf_counter() - clock
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    report.timings["total"] = time.perf_counter() - start
    return report


__all__ = ["build", "load", "Report", "SitegenError"]
