"""The Pagefind index, written through its Python API from our records.

Choices, each measured (tests/test_search_*.py, bench/search_bench.py):
- Custom records, not HTML: the model already holds the text, so nothing is
  parsed twice; records are sent concurrently to the Pagefind service.
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
  indexed by as many Pagefind processes at once as there are cores, and
  searched together by search.js.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pagefind.index import PagefindIndex
from pagefind.service import PagefindService

from ..errors import Problem, SearchError
from .canonical import canonicalise

if TYPE_CHECKING:  # not imported at run time: the indexer program loads this module, and needs neither
    from .records import Record
    from .shards import Shard

BATCH = 64  # records in flight at once: keeps the service's pipe busy, memory flat
# From this many records to index, a separate indexer program (indexer.py) does it
# while the build does other work; fewer are indexed in the build's own process, after
# rendering, since starting another Python costs more than such an index.
BESIDE_FROM = 400
INDEXER = [sys.executable, "-m", "sitegen.search.indexer"]  # its jobs file is added


def hidden(value: object) -> str:
    """JSON as Braille patterns U+2800+byte: kept in meta, never indexed."""
    data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return "".join(chr(0x2800 + b) for b in data)


def record_fields(record: Record) -> dict:
    """The add_custom_record arguments of one record (language set by the caller)."""
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


DIGEST_FILE = "sitegen-shard.txt"  # the shard's key, then every file Pagefind wrote for it


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


def shard_key(site: str, language: str, records: Iterable[tuple[str, str]]) -> str:
    """What a shard's index is a function of, without working out its records' fields.

    `records` are (url, digest of the article as shown) pairs; `site` is the
    build's digest of config and templates. Our search code and Pagefind's
    version count too: either changes what is indexed.
    """
    h = hashlib.sha256(f"{site}\0{language}\0{version('pagefind')}\0".encode())
    for code in sorted(Path(__file__).parent.glob("*.py")):
        h.update(code.read_bytes())
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
            raw = await _read_answer(self._backend.stdout)
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


async def _index_one(service: _Service, fields: list[dict], language: str, output: Path) -> None:
    index: PagefindIndex = await service.create_index({"output_path": str(output)})
    pending = []
    for item in fields:
        pending.append(index.add_custom_record(language=language, **item))
        if len(pending) >= BATCH:
            await asyncio.gather(*pending)
            pending = []
    await asyncio.gather(*pending)
    # The files are asked for and written here, not by Pagefind's write_files: Pagefind
    # 1.5 answers that one before its last writes are done (tokio files dropped
    # unflushed), so a file could be read empty, or lost when the service was closed.
    for file in await index.get_files():
        path = output / Path(file["path"]).relative_to(output) if Path(file["path"]).is_absolute() else output / file["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(file["content"])
    await index.delete_index()


Job = tuple[Callable[[], list[dict]], Path]  # (the records' fields, read when indexed; the shard's folder)


async def index_all(jobs: Sequence[Job], language: str, services: int) -> None:
    """Index every job; `services` Pagefind processes at once, each taking the next job when free."""
    queue: asyncio.Queue[Job] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)

    async def worker() -> None:
        service = await _Service().launch()
        try:
            while not queue.empty():
                fields, output = queue.get_nowait()
                await _index_one(service, fields(), language, output)
        finally:
            await service.close()

    await asyncio.gather(*(worker() for _ in range(max(1, min(services, len(jobs))))))


def _run(coroutine_factory: Callable[[], Coroutine[Any, Any, None]]) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coroutine_factory())
    else:
        # The caller runs an event loop in this thread (Playwright's sync API does):
        # asyncio.run refuses to nest, so ours runs beside it.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(lambda: asyncio.run(coroutine_factory())).result()


def write_shards(
    shards: Sequence[Shard], keys: Mapping[str, str], language: str, output: Path, previous: Path | None, services: int
) -> tuple[list[str], dict[str, list[str]]]:
    """`start_shards` and wait for them."""
    return start_shards(shards, keys, language, output, previous, services).finish()


def start_shards(
    shards: Sequence[Shard], keys: Mapping[str, str], language: str, output: Path, previous: Path | None, services: int
) -> PendingShards:
    """Start indexing each shard into output/<name>/ (the pagefind/ folder).

    `keys` are the shards' keys (shard_key) by name. A shard whose key is the
    previous build's same shard's is not indexed again: its files are the
    previous ones. That keeps rebuilds byte-identical (Pagefind writes its
    filter and meta files in hash-map order: Pagefind issue #638) and is what
    makes re-indexing an edit cost one shard, not the archive.
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
    if todo and sum(len(s.records) for s in todo) >= BESIDE_FROM:
        pending.spawn(todo, language, services)
    elif todo:
        jobs = [(lambda fields=[record_fields(r) for r in s.records]: fields, output / s.name) for s in todo]
        pending.work = lambda: _run(lambda: index_all(jobs, language, services))
    return pending


class PendingShards:
    """Shards being indexed: `finish` waits for them and returns what `write_shards`
    does; `cancel` stops them (the build failed)."""

    def __init__(self, keys: Mapping[str, str], reused: list[str], files: dict[str, list[str]], folders: list[Path]) -> None:
        self.keys, self.reused, self.files, self.folders = keys, reused, files, folders
        self.work: Callable[[], None] | None = None  # indexing still to do in this process, at `finish`
        self._process: subprocess.Popen[bytes] | None = None
        self._scratch: Path | None = None

    def spawn(self, shards: Sequence[Shard], language: str, services: int) -> None:
        """Start the indexer program (indexer.py) on `shards`, one records file each."""
        # In the staging folder: a build killed before it removes this is cleaned
        # up by the next one with the rest of that folder (write.clean_stale).
        self._scratch = Path(tempfile.mkdtemp(prefix=".indexer-", dir=self.folders[0].parent.parent))
        jobs = []
        for n, (shard, folder) in enumerate(zip(shards, self.folders)):
            records = self._scratch / f"{n}.jsonl"
            with records.open("w", encoding="utf-8") as out:
                out.writelines(json.dumps(record_fields(r), ensure_ascii=False) + "\n" for r in shard.records)
            jobs.append([str(records), str(folder)])
        spec = self._scratch / "jobs.json"
        spec.write_text(json.dumps({"language": language, "services": services, "parent": os.getpid(), "jobs": jobs}), encoding="utf-8")
        with (self._scratch / "stderr").open("wb") as errors:
            # A session of its own, so that cancelling ends it and its Pagefind processes together.
            self._process = subprocess.Popen(
                [*INDEXER, str(spec)],
                stdin=subprocess.DEVNULL, stdout=errors, stderr=errors, start_new_session=True,
            )  # fmt: skip

    def finish(self) -> tuple[list[str], dict[str, list[str]]]:
        try:
            if self.work is not None:
                self.work()
            if self._process is not None:
                if self._process.wait() != 0:
                    raise SearchError(Problem("search index", f"Pagefind's indexer failed: {self._errors()}", "build again; if it fails the same way, report this message"))
        finally:
            self._clean()
        for folder in self.folders:
            canonicalise(folder)
            written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
            (folder / DIGEST_FILE).write_text("\n".join([self.keys[folder.name], *written]) + "\n", encoding="utf-8")
            self.files[folder.name] = [*written, DIGEST_FILE]
        return self.reused, self.files

    def cancel(self) -> None:
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        self._clean()

    def _errors(self) -> str:
        assert self._scratch is not None
        text = (self._scratch / "stderr").read_text(encoding="utf-8", errors="replace").strip()
        return text.splitlines()[-1] if text else f"exit status {self._process.returncode if self._process else '?'}"

    def _clean(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
