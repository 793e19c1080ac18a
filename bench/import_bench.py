"""Time `sitegen import` over the whole shared corpus (13,221 articles).

    .venv/bin/python bench/import_bench.py [--runs 5]

Each run imports ANT (JSON Lines) and SaudiNewsNet (zips of JSON) into a
fresh folder; the median, min and max wall times are printed. The goal is
60 s or less on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO))

from sitegen.importers.command import main  # noqa: E402


def one_run(out: Path) -> tuple[float, dict]:
    report = out.parent / "report.json"
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        main([str(CORPUS / "ant-news-dev.jsonl"), str(CORPUS / "saudinewsnet"), "--out", str(out), "--report", str(report)])
    elapsed = time.perf_counter() - start
    return elapsed, json.loads(report.read_text(encoding="utf-8"))["counts"]


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not (CORPUS / "ant-news-dev.jsonl").is_file():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    times = []
    for n in range(args.runs):
        work = Path(tempfile.mkdtemp(prefix="import-bench-"))
        try:
            elapsed, counts = one_run(work / "articles")
        finally:
            shutil.rmtree(work, ignore_errors=True)
        times.append(elapsed)
        print(f"run {n + 1}: {elapsed:.1f} s  {counts}")
    print(f"articles: {sum(counts.values())}  median {statistics.median(times):.1f} s  min {min(times):.1f} s  max {max(times):.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
