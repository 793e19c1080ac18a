"""Search indexing benchmark: ways to build the same Pagefind index, side by side.

    python bench/search_bench.py [--articles 10000] [--runs 3]

Over one generated corpus (bench/generate.py) built once by sitegen:
- model:  sitegen's way: its own writer of Pagefind's files
          (search/pagefind_bundle.py) from the build's records, in date-range
          shards (sitegen/search/shards.py), one forked writer per core;
- single: the same records as one bundle, written in this process;
- records: the same records given to Pagefind's own indexer through its
          Python API (add_custom_record), one index: sitegen's way until the
          writer, the fastest way to use Pagefind's indexer;
- html:   the Python API with add_html_file over the built article pages;
- cli:    the Pagefind CLI (`python -m pagefind --site …`) over the same pages.
Each is timed end to end (service start to files written); medians, min and
max of the runs, and each median's ratio to the CLI's, are printed together.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402
from pagefind.index import PagefindIndex  # noqa: E402

from sitegen.build import build  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.load import load_site  # noqa: E402
from sitegen.parallel import workers  # noqa: E402
from sitegen.search.pagefind import _Service, record_fields, write_shards  # noqa: E402
from sitegen.search.records import records  # noqa: E402
from sitegen.search.shards import Shard, plan_shards  # noqa: E402


BATCH = 64  # records or pages in flight to Pagefind's service at once


def corpus(n: int, workdir: Path) -> Path:
    root = workdir / f"corpus-{n}"
    if not (root / generate.MARKER).exists():
        generate.main([str(n), str(root)])
    return root


async def _html(pages: list[Path], site: Path, output: Path) -> None:
    # The same fast-reading service as sitegen's, so only the input differs.
    service = await _Service().launch()
    try:
        index: PagefindIndex = await service.create_index({"output_path": str(output), "force_language": "ar"})
        for start in range(0, len(pages), BATCH):
            await asyncio.gather(*(
                index.add_html_file(content=p.read_text(encoding="utf-8"), url="/" + p.parent.relative_to(site).as_posix() + "/")
                for p in pages[start : start + BATCH]
            ))  # fmt: skip
        await index.write_files(str(output))
    finally:
        await service.close()


async def _records(items: list, output: Path) -> None:
    service = await _Service().launch()
    try:
        index: PagefindIndex = await service.create_index({"output_path": str(output)})
        fields = [record_fields(r) for r in items]
        for start in range(0, len(fields), BATCH):
            await asyncio.gather(*(index.add_custom_record(language="ar", **f) for f in fields[start : start + BATCH]))
        await index.write_files(str(output))
    finally:
        await service.close()


def timed(fn) -> float:
    clock = time.perf_counter()
    fn()
    return time.perf_counter() - clock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--methods", default="model,single,records,html,cli", help="comma-separated subset to time; cli is always included")
    parser.add_argument("--workdir", type=Path, default=REPO / "bench" / "out")
    args = parser.parse_args(argv)

    root = corpus(args.articles, args.workdir)
    config = load_config(root / "site.yml")
    site = args.workdir / f"search-site-{args.articles}"
    if len(list((site / "articles").glob("*/index.html"))) < args.articles:
        # A private build cache, if this sitegen has one, so another run's cannot interfere.
        extra = {"cache_dir": args.workdir / f"search-cache-{args.articles}"} if "cache_dir" in inspect.signature(build).parameters else {}
        build(config, site, log=lambda _m: None, **extra)
    loaded = load_site(config)  # no cache: the parse keeps what search indexes
    items = list(records(loaded.linked, config, loaded.search))
    pages = sorted((site / "articles").glob("*/index.html"))
    print(f"{len(items)} records, {len(pages)} article pages", flush=True)

    planned = plan_shards(items)
    keys = {s.name: s.name for s in planned}  # never compared: nothing to reuse here
    print(f"{len(planned)} shards, {workers()} writers at once", flush=True)
    chosen = set(args.methods.split(",")) | {"cli"}
    times: dict[str, list[float]] = {m: [] for m in ("model", "single", "records", "html", "cli") if m in chosen}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for run in range(args.runs):
            # Interleaved, so drift in the machine's load touches every method alike.
            for name in times:
                target = out / f"{name}-{run}"
                if name == "model":
                    seconds = timed(lambda: write_shards(planned, keys, "ar", target, None, workers()))
                elif name == "single":
                    seconds = timed(lambda: write_shards([Shard("all", tuple(items))], {"all": ""}, "ar", target, None, 1))
                elif name == "records":
                    seconds = timed(lambda: asyncio.run(_records(items, target)))
                elif name == "html":
                    seconds = timed(lambda: asyncio.run(_html(pages, site, target)))
                else:
                    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", "articles/**/*.html",
                           "--output-path", str(target), "--force-language", "ar"]  # fmt: skip
                    seconds = timed(lambda: subprocess.run(cmd, check=True, capture_output=True))
                times[name].append(seconds)
                shutil.rmtree(target, ignore_errors=True)
                print(f"run {run + 1} {name}: {seconds:.2f} s", flush=True)
    cli = statistics.median(times["cli"])
    print(f"\n{'method':<8}{'median':>9}{'min':>9}{'max':>9}{'÷ cli':>8}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:<8}{med:>8.2f}s{min(values):>8.2f}s{max(values):>8.2f}s{med / cli:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
