"""The Pagefind index of our records: its shards, their keys, and who writes them.

Choices, each measured (tests/test_search_*.py, tests/test_pagefind_bundle.py, bench/search_bench.py):
- Records from the model, not HTML: the model already holds the text, so
  nothing is parsed twice. pagefind_bundle.py writes each shard's files in
  Pagefind's own format; Pagefind's service gives its browser files (assets).
- One language for the whole site: Pagefind makes one index per language and
  the search page loads only its own, so English articles are indexed under
  the site's language and are found from the same box.
- Pagefind indexes every meta value, so display-only values (the date, the
  image) travel in one meta, "x", spelled in Braille-pattern characters that
  the indexer drops as non-words: a query "11" then no longer finds every
  November article. search.js decodes it.
- Split clitic forms (normalize.clitic_forms, worked out at parse time) go in the meta "k": searchable,
  never shown in excerpts.

- Shards (shards.py), each its own Pagefind index under pagefind/<name>/,
  written by as many forked processes at once as there are cores, and
  searched together by search.js.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from importlib.metadata import version
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from pagefind.index import PagefindIndex
from pagefind.service import PagefindService

from ..errors import Problem, SearchError
from ..parallel import die_with_parent, frozen
from .pagefind_bundle import ENTRY, Assets, Bundle, write_bundle

if TYPE_CHECKING:
    from .records import Record
    from .shards import Shard

# From this many records to index, forked workers write the shards while the build
# does other work (the offline index; an edit's rendering); fewer are written in the
# build's own process when it waits for them.
BESIDE_FROM = 400
T = TypeVar("T")


def hidden(value: object) -> str:
    """JSON as Braille patterns U+2800+byte: kept in meta, never indexed."""
    data = orjson.dumps(value)
    return "".join(chr(0x2800 + b) for b in data)


def record_fields(record: Record) -> dict:
    """One record as the bundle writer takes it: the arguments Pagefind's
    add_custom_record takes (but the language), so the two can be compared."""
    meta = {"title": record.title, "x": hidden({"d": record.date, "i": record.image})}
    if record.authors:
        meta["authors"] = "، ".join(record.authors)
    if record.forms:
        meta["k"] = record.forms
    filters: dict[str, list[str]] = {}
    if record.authors:
        filters["author"] = list(record.authors)
    if record.topics:
        filters["topic"] = list(record.topics)
    if record.year:
        filters["year"] = [record.year]
    return {"url": record.url, "content": record.text, "meta": meta, "filters": filters, "sort": {"date": record.sort}}


DIGEST_FILE = "sitegen-shard.txt"  # the shard's key, then every file of the shard


def _intact(folder: Path, key: str) -> list[str] | None:
    """The files of the previous build's shard in `folder`, if it was made for `key`
    and none of them is missing; else None."""
    try:
        lines = (folder / DIGEST_FILE).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    if not lines or lines[0] != key or not all((folder / name).is_file() for name in lines[1:]):
        return None
    return [*lines[1:], DIGEST_FILE]


def index_basis(site: str, language: str) -> str:
    """What both search indexes are a function of besides their records: `site`,
    the build's digest of config and templates, the language, our search code,
    and the tools that decide an index's words (Pagefind, the stemmers, Unicode's tables)."""
    tools = "\0".join([version("pagefind"), version("pystemmer"), version("regex"), unicodedata.unidata_version])
    h = hashlib.sha256(f"{site}\0{language}\0{tools}\0".encode())
    for code in sorted(Path(__file__).parent.glob("*.py")):
        h.update(code.read_bytes())
    return h.hexdigest()


def shard_key(basis: str, records: Iterable[tuple[str, str]]) -> str:
    """What a shard's index is a function of, without working out its records' fields.

    `records` are (url, digest of the article as shown) pairs; `basis` is `index_basis`.
    """
    h = hashlib.sha256(f"{basis}\0".encode())
    for url, article in records:
        h.update(f"{url}\0{article}\0".encode())
    return h.hexdigest()


class _Service(PagefindService):
    """Pagefind's service, reading answers as they arrive.

    Pagefind 1.5.2's Python client sleeps 0.1 s before reading each answer, so
    it indexes at most 10 records a second (2,000 records: 229 s against the
    CLI's 36 s). This loop reads the same comma-separated base64 JSON answers
    without the sleep and resolves the same futures.
    """

    async def _wait_for_responses(self) -> None:
        assert self._backend.stdout is not None
        while True:
            try:
                raw = await _read_answer(self._backend.stdout)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                # The service ended: whoever waits for an answer hears it, rather than waiting for ever.
                for future in self._responses.values():
                    if not future.done():
                        future.set_exception(RuntimeError(f"Pagefind's service ended: {exc}"))
                return
            answer = json.loads(base64.b64decode(raw[:-1]))
            if not answer:
                continue
            ident = answer.get("message_id")
            payload = answer["payload"]
            if ident is None and payload.get("original_message"):
                ident = json.loads(payload["original_message"]).get("message_id")
            future = self._responses.get(ident)
            if future is None or future.done():
                continue
            if payload["type"] == "Error":
                future.set_exception(RuntimeError(f"pagefind: {payload.get('message')}"))
            else:
                future.set_result(payload)


async def _read_answer(stream: asyncio.StreamReader) -> bytes:
    """One answer up to its comma, however long: the index's files come as one
    answer of megabytes, past the stream's buffer limit."""
    parts = []
    while True:
        try:
            return b"".join([*parts, await stream.readuntil(b",")])
        except asyncio.LimitOverrunError as past:
            parts.append(await stream.readexactly(past.consumed))


async def _service_files(language: str) -> dict[str, bytes]:
    service = await _Service().launch()
    try:
        index: PagefindIndex = await service.create_index({})
        await index.add_custom_record(url="/", content="sitegen", language=language, meta={}, filters={}, sort={})
        files = {file["path"]: file["content"] for file in await index.get_files()}
        await index.delete_index()
        return files
    finally:
        await service.close()


SERVICE_SECONDS = 120  # a service that has not answered by then will not
BROWSER_FILES = ("pagefind.js", "pagefind-worker.js")  # and the WebAssembly files, wasm.<language>.pagefind


def assets(language: str) -> Assets:
    """Pagefind's own files for `language`, from its service: an index of one
    throwaway record, of which we keep what is not data (about 0.1 s)."""
    got = _run(lambda: asyncio.wait_for(_service_files(language), SERVICE_SECONDS))
    entry = json.loads(got[ENTRY])
    ((name, info),) = entry["languages"].items()
    # Only what search.js loads: Pagefind's own UIs (about 420 KB a shard) are never used.
    files = {p: b for p, b in got.items() if p in BROWSER_FILES or (p.startswith("wasm.") and p.endswith(".pagefind"))}
    return Assets(files, entry["version"], entry.get("include_characters", []), name, info["wasm"])


def _run(coroutine_factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """The coroutine's result, run to its end from synchronous code."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine_factory())
    else:
        # The caller runs an event loop in this thread (Playwright's sync API does):
        # asyncio.run refuses to nest, so ours runs beside it.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(lambda: asyncio.run(coroutine_factory())).result()


def write_shards(
    shards: Sequence[Shard], keys: Mapping[str, str], language: str, output: Path, previous: Path | None, services: int
) -> tuple[list[str], dict[str, list[str]]]:
    """`start_shards` and wait for them."""
    return start_shards(shards, keys, language, output, previous, services).finish()


def start_shards(
    shards: Sequence[Shard], keys: Mapping[str, str], language: str, output: Path, previous: Path | None, services: int
) -> PendingShards:
    """Start writing each shard into output/<name>/ (the pagefind/ folder).

    `keys` are the shards' keys (shard_key) by name. A shard whose key is the
    previous build's same shard's is not written again: its files are the
    previous ones. That keeps an edit's cost to one shard, and the other
    shards' files untouched (mtimes included), so a sync moves only what changed.
    """
    reused: list[str] = []
    files: dict[str, list[str]] = {}
    todo: list[Shard] = []
    for shard in shards:
        kept = _intact(previous / shard.name, keys[shard.name]) if previous is not None else None
        if kept is not None:
            reused.append(shard.name)
            files[shard.name] = kept
        else:
            todo.append(shard)
    pending = PendingShards(keys, reused, files, [output / s.name for s in todo])
    if todo:
        try:
            kit = assets(language)  # before any fork: the service's client runs threads
        except (OSError, RuntimeError, ValueError, KeyError, asyncio.TimeoutError) as exc:
            raise SearchError(Problem("search index", f"Pagefind's service did not give its browser files: {type(exc).__name__}: {exc}", "run `make build` again to reinstall sitegen's dependencies (pagefind[bin] provides the service)")) from exc
        # The last build's folder of a shard to rewrite, if any: its unchanged fragments are kept there.
        jobs = [(s, output / s.name, previous / s.name if previous is not None and (previous / s.name).is_dir() else None) for s in todo]
        if sum(len(s.records) for s in todo) >= BESIDE_FROM:
            pending.spawn(jobs, language, kit, services)
        else:
            pending.work = lambda: _write_shards(jobs, language, kit)
    return pending


Job = tuple["Shard", Path, "Path | None"]  # a shard, its folder, the last build's folder of it


def _write_shard(job: Job, language: str, kit: Assets) -> Bundle:
    """Write a shard's files; their names, and those of the files kept in the last build's folder of it."""
    shard, folder, earlier = job
    return write_bundle([record_fields(r) for r in shard.records], language, folder, kit, earlier)


def _write_shards(jobs: Sequence[Job], language: str, kit: Assets) -> dict[str, Bundle]:
    """`_write_shard` of each job, by shard name."""
    return {job[0].name: _write_shard(job, language, kit) for job in jobs}


def _worker(jobs: Sequence[Job], taken: Synchronized, language: str, kit: Assets, parent: int, report: Connection) -> None:
    """A forked worker's life: shards taken one at a time (`_take`) until none is
    left, then a word to the build: their files (`_write_shards`), or why they failed."""
    die_with_parent(parent)
    made: dict[str, Bundle] = {}
    try:
        while (job := _take(jobs, taken)) is not None:
            made.update(_write_shards([job], language, kit))
    except BaseException as exc:  # told to the build, which names it in its error
        report.send(f"{type(exc).__name__}: {exc}")
        os._exit(1)
    report.send(made)
    os._exit(0)  # no interpreter shutdown: the inherited model needs no cleaning up


def _take(jobs: Sequence[Job], taken: Synchronized) -> Job | None:
    """The next job no worker has taken, if any: `taken` counts them, under its lock."""
    with taken.get_lock():
        number = taken.value
        if number >= len(jobs):
            return None
        taken.value = number + 1
    return jobs[number]


def _largest_first(jobs: Sequence[Job]) -> list[Job]:
    """Jobs in the order workers take them: largest first, so that the last ones,
    small, even out the workers' ends. Dealt out in advance, the shards of the
    10,000-article bench (seven of 1,236 to 1,378 records, one of 674, one of 100)
    left one worker writing alone for ~0.5 s at the end."""
    return sorted(jobs, key=lambda job: -len(job[0].records))


def _failed(message: str) -> SearchError:
    return SearchError(Problem("search index", f"writing a Pagefind shard failed: {message}", "build again; if it fails the same way, report this message"))


class PendingShards:
    """Shards being written: `finish` waits for them and returns what `write_shards`
    does; `cancel` stops them (the build failed)."""

    def __init__(self, keys: Mapping[str, str], reused: list[str], files: dict[str, list[str]], folders: list[Path]) -> None:
        self.keys, self.reused, self.files, self.folders = keys, reused, files, folders
        self.work: Callable[[], object] | None = None  # writing still to do in this process, at `finish`
        self._workers: list[tuple[BaseProcess, Connection]] = []
        self._frozen: AbstractContextManager[None] | None = None

    def spawn(self, jobs: Sequence[Job], language: str, kit: Assets, services: int) -> None:
        """Write the shards in forked workers, which inherit the records (nothing is pickled)."""
        context = get_context("fork")
        self._frozen = frozen()
        self._frozen.__enter__()
        try:
            ordered, taken = _largest_first(jobs), context.Value("i", 0)
            for _ in range(max(1, min(services, len(ordered)))):
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_worker, args=(ordered, taken, language, kit, os.getpid(), send), daemon=True)
                process.start()
                send.close()
                self._workers.append((process, receive))
        except BaseException as exc:
            self._stop()
            if isinstance(exc, OSError):
                raise _failed(f"no worker could be started: {exc}") from exc
            raise

    def finish(self) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
        """The shards kept whole; every shard's files; and of the shards written, the
        files kept from the last build's folder of it, which the caller keeps."""
        made: dict[str, Bundle] = {}
        try:
            try:
                if self.work is not None:
                    made.update(self.work())
            except Exception as exc:
                raise _failed(f"{type(exc).__name__}: {exc}") from exc
            for process, receive in self._workers:
                # A worker that died (killed, out of memory) says nothing: EOF, not a hang.
                try:
                    message = receive.recv()
                except EOFError:
                    process.join()
                    message = f"a worker ended without a word (exit status {process.exitcode})"
                if isinstance(message, str):
                    raise _failed(message)
                made.update(message)
        finally:
            self._stop()
        for folder in self.folders:
            # As the writer names them: listing a 10,000-article build's shards again took ~0.25 s.
            names = sorted(made[folder.name].written + made[folder.name].kept)
            (folder / DIGEST_FILE).write_text("\n".join([self.keys[folder.name], *names]) + "\n", encoding="utf-8")
            self.files[folder.name] = [*names, DIGEST_FILE]
        return self.reused, self.files, {name: bundle.kept for name, bundle in made.items()}

    def cancel(self) -> None:
        self._stop()

    def _stop(self) -> None:
        for process, receive in self._workers:
            if process.is_alive():
                process.kill()
            process.join()
            receive.close()
        self._workers = []
        if self._frozen is not None:
            self._frozen.__exit__(None, None, None)
            self._frozen = None
