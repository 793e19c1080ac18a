"""Time the related-articles computation alone over a generated corpus.

    python bench/related_bench.py [--articles 10000 100000] [--runs 3] [--workdir bench/out]

The corpus comes from bench/generate.py (kept in WORKDIR/corpus-N, as for the
build benchmark). The library is loaded once (parse, profiles, linking), then
`sitegen.related.related` runs --runs times on it; median, min and max of the
wall-clock seconds are printed, and the same for CPU seconds (this process
and its workers: related forks some past sitegen.parallel.PARALLEL_THRESHOLD),
since on a shared machine wall time alone is noisy. The goal (issue 6): at most 5 s at 10,000
articles, and finishing at 100,000.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_bench import ensure_corpus  # noqa: E402

from sitegen.config import load_config  # noqa: E402
from sitegen.load import load_site  # noqa: E402
from sitegen.related import related  # noqa: E402


def bench(n: int, runs: int, workdir: Path) -> list[float]:
    corpus, _counts = ensure_corpus(n, workdir)
    started = time.perf_counter()
    library = load_site(load_config(corpus / "site.yml")).linked.library
    print(f"{n} articles: loaded in {time.perf_counter() - started:.1f} s", flush=True)
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), _cpu()
        result = related(library)
        times.append(time.perf_counter() - started)
        cpu.append(_cpu() - started_cpu)
    empty = sum(1 for ids in result.values() if not ids)
    print(
        f"{n} articles: related median {statistics.median(times):.2f} s, min {min(times):.2f} s, "
        f"max {max(times):.2f} s over {runs} runs (CPU median {statistics.median(cpu):.2f} s, min {min(cpu):.2f} s, "
        f"max {max(cpu):.2f} s); {empty} articles without related",
        flush=True,
    )
    return times


def _cpu() -> float:
    """CPU seconds of this process and of its finished workers."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(__file__).resolve().parent / "out")
    args = parser.parse_args()
    for n in args.articles:
        bench(n, args.runs, args.workdir)


if __name__ == "__main__":
    main()
