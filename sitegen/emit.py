"""Render the pages that changed and place every output file in the staging folder.

A file whose bytes did not change is not written again, so its modification
time stays and a sync moves nothing: committed in place it is simply left
alone; in a whole new tree it is hard-linked from the previous public/.
Workers are forked after the renderer exists: they inherit it, receive page
descriptions and return small records, never whole pages.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from .cache import CachedPage, digest
from .parallel import chunks, frozen, in_process, last_share, workers
from .render import Page, Renderer
from .urls import output_file
from .verify import internal_links, links_text
from .write import write_file


@dataclass(frozen=True)
class Placement:
    stage: Path
    previous: Path  # the last build's public/ (may not exist)
    in_place: bool  # the cache vouches for `previous`: stage only what changed


def place(placement: Placement, rel: str, data: bytes, known_digest: str | None = None, data_digest: str | None = None) -> bool:
    """Stage `data` for `rel` unless the previous build holds the same bytes. True if staged.

    `data_digest`, when the caller has it already, saves hashing the bytes twice."""
    old = placement.previous / rel
    if placement.in_place and known_digest is not None:
        same = known_digest == (data_digest or digest(data)) and old.is_file()
    else:
        same = _holds(old, data)
    target = placement.stage / rel
    if same and (placement.in_place or link_file(old, target)):
        return False
    write_file(target, data)
    return True


def _holds(path: Path, data: bytes) -> bool:
    """Whether `path` is a file of exactly these bytes (one stat, the bytes read only at equal size)."""
    try:
        found = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(found.st_mode) and found.st_size == len(data) and path.read_bytes() == data


def keep_unchanged(placement: Placement, files: Iterable[str]) -> None:
    """Unstage files a stage wrote whole (the search index) whose bytes did not change."""
    for rel in files:
        new, old = placement.stage / rel, placement.previous / rel
        if old.is_file() and new.is_file() and old.stat().st_size == new.stat().st_size and old.read_bytes() == new.read_bytes():
            new.unlink()
            if not placement.in_place:
                link_file(old, new)


def keep_previous(placement: Placement, files: Iterable[str]) -> None:
    """Keep the previous build's files as they are: left alone in place, linked into a new tree."""
    if not placement.in_place:
        for rel in files:
            link_file(placement.previous / rel, placement.stage / rel)


def link_file(old: Path, target: Path) -> bool:
    """Share the previous file's inode (same bytes, same mtime); copy if links fail."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, target)
    except OSError:
        try:
            shutil.copy2(old, target)
        except OSError:
            return False
    return True


@dataclass(frozen=True)
class Rendered:
    file: str
    record: CachedPage
    written: bool
    targets: tuple[str, ...]  # the files its links need, for the build's link check


def _render_one(renderer: Renderer, placement: Placement, page: Page, fingerprint: str, known: str | None) -> Rendered:
    output = renderer.render_page(page)
    file = output_file(output.path)
    data_digest = digest(output.data)
    written = place(placement, file, output.data, known, data_digest)
    # Only HTML has links to check: data files are text no browser follows,
    # whatever `href="` a title quotes.
    links = sorted(internal_links(output.path, output.decoded(), renderer.config.base_path)) if file.endswith(".html") else []
    record = CachedPage(fingerprint, data_digest, len(output.data), links_text(links), output.modified)
    return Rendered(file, record, written, tuple(dict.fromkeys(target for target, _ in links)))


# A page, its fingerprint, and the digest of its previous output (None: none known).
Job = tuple[Page, str, str | None]


def _work(jobs: list[Job]) -> list[Rendered]:
    renderer, placement = _inherited[0]
    return [_render_one(renderer, placement, *job) for job in jobs]


# Set in each forked worker by its initializer; the parent never touches it.
_inherited: list[tuple[Renderer, Placement]] = []


def _adopt(renderer: Renderer, placement: Placement) -> None:
    _inherited.append((renderer, placement))


def render_pages(
    renderer: Renderer, placement: Placement, jobs: list[Job], nearly_done: Callable[[], object] | None = None
) -> Iterator[Rendered]:
    """Each job's page rendered and placed, in order. `nearly_done` is called once
    when the workers, if any, are about to run out of pages: work started then fills
    the cores they leave one by one.

    That is once half the last, quartered chunks (`parallel.last_share`) are left,
    a few tenths of a second of rendering at 10,000 articles: about what the search
    index takes to start, so its workers begin as the render workers end. Started
    at the whole last share, they overlapped more, and the build's peak memory,
    render and search workers together (~200 MB each), rose by up to ~100 MB."""
    if in_process(len(jobs)):
        for job in jobs:
            yield _render_one(renderer, placement, *job)
        return
    context = get_context("fork")
    with frozen(), ProcessPoolExecutor(workers(), mp_context=context, initializer=_adopt, initargs=(renderer, placement)) as pool:
        # Chunks end in order, so once only part of the last share is uncollected, only it is still being rendered.
        left = len(jobs)
        for done in pool.map(_work, [list(part) for part in chunks(jobs)]):
            yield from done
            left -= len(done)
            if nearly_done is not None and left <= last_share(len(jobs)) // 2:
                nearly_done()
                nearly_done = None


def place_tree(placement: Placement, sources: Iterable[Path], into: str) -> tuple[list[str], int]:
    """Copy static folders (later ones override earlier ones); return files placed and written."""
    chosen: dict[str, Path] = {}
    for source in sources:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                chosen[f"{into}/{path.relative_to(source).as_posix()}"] = path
    written = sum(place(placement, rel, path.read_bytes()) for rel, path in chosen.items())
    return sorted(chosen), written
