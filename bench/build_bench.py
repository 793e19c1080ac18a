"""Time sitegen's full build and no-op rebuild over a generated corpus.

    python bench/build_bench.py [--articles 10000] [--runs 5] [--workdir bench/out]

The corpus is generated once per N and kept in WORKDIR/corpus-N (regenerated
when the generator or its source article changes). Each full build starts from
nothing: output and build cache deleted. Each no-op rebuild runs over the
output and cache the previous build left, with no input changed.

Peak memory is reported two ways, because sitegen builds with several
processes: the largest single process (ru_maxrss from wait4, exact) and the
whole process tree (PSS summed over the tree, sampled every 0.5 s: shared pages
counted once, short spikes may be missed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

CACHE_DIR_NAME = ".sitegen-cache"
TRASH = ".bench-trash"
# Reading smaps_rollup costs ~10 ms per process at 10,000 articles; at 0.5 s
# the sampler takes a few percent of one core instead of a sixth of it.
SAMPLE_SECONDS = 0.5


@dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the build and its reaped workers
    maxrss_mb: float  # largest single process in the tree
    tree_mb: float  # sampled peak of the tree's summed PSS
    output: str  # the build's stdout and stderr


def corpus_key() -> str:
    """Changes whenever the generated corpus could change for the same N."""
    digest = hashlib.sha256()
    for path in (Path(generate.__file__), generate.SOURCE_ARTICLE):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_corpus(n: int, workdir: Path) -> tuple[Path, dict[str, int]]:
    """The corpus for N under workdir, generated unless a current one is there."""
    corpus = workdir / f"corpus-{n}"
    key_file = workdir / f"corpus-{n}.key"
    key = corpus_key()
    marker = corpus / generate.MARKER
    if marker.exists() and key_file.exists() and key_file.read_text() == key:
        return corpus, json.loads(marker.read_text())
    # A stale or half-written corpus of ours: start again from nothing.
    shutil.rmtree(corpus, ignore_errors=True)
    key_file.unlink(missing_ok=True)
    started = time.perf_counter()
    counts = generate.generate(n, corpus)
    key_file.write_text(key)
    print(f"generated {n} articles in {time.perf_counter() - started:.1f} s: {corpus}")
    return corpus, counts


def find_sitegen(explicit: str | None) -> str:
    candidates = [explicit] if explicit else [
        str(Path(sys.executable).with_name("sitegen")),
        str(generate.REPO / ".venv" / "bin" / "sitegen"),
        shutil.which("sitegen"),
    ]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("sitegen not found: set up .venv (see bench/README.md) or pass --sitegen PATH")


def clean_build_state(out: Path, corpus: Path) -> None:
    """Set aside everything a build leaves, so the next one is a true full build.

    Set aside, not deleted: after tens of thousands of files are deleted, ext4
    skips each recently freed inode one by one as it allocates new ones (seen
    here with perf: `recently_deleted` under `__ext4_new_inode`), so a build
    right after a deletion spent up to ten times longer creating its files, in
    the kernel. `empty_trash` deletes it all once the timing is over."""
    moved = [out, *out.parent.glob(f"*{out.name}.*")]  # staging and swapped-out copies live beside the output
    for path in moved + [place / CACHE_DIR_NAME for place in (corpus, out.parent)]:
        set_aside(path, out.parent)


def set_aside(path: Path, workdir: Path) -> None:
    """Move `path`, if it exists, into `workdir`'s trash folder (see clean_build_state)."""
    if path.exists():
        trash = workdir / TRASH
        trash.mkdir(exist_ok=True)
        path.rename(trash / f"{len(list(trash.iterdir()))}-{path.name}")


def empty_trash(workdir: Path) -> None:
    """Delete what was set aside in `workdir`: call it after the last timed build."""
    shutil.rmtree(workdir / TRASH, ignore_errors=True)


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task.name}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass  # the process exited between listing and reading
    return found


def _memory_kb(pid: int) -> int:
    # PSS splits pages shared after fork between the processes sharing them,
    # so the sum over the tree is the tree's real footprint; RSS would count
    # the parent's heap once per worker.
    for path, field in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(field):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


class TreeSampler(threading.Thread):
    """Samples the summed memory of a process and its descendants."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            pids, total = [self.pid], 0
            while pids:
                pid = pids.pop()
                total += _memory_kb(pid)
                pids += _children(pid)
            self.peak_kb = max(self.peak_kb, total)
            self._halt.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_build(command: list[str], cwd: Path) -> Run:
    """Run one build; exits the benchmark with the build's output if it fails."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        # wait4 rather than proc.wait: it returns the child's own rusage, whose
        # ru_maxrss is the largest process in its tree (getrusage deltas can't
        # give a maximum).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        print(f"build failed (exit {proc.returncode}): {' '.join(command)}\n{output[-4000:]}", file=sys.stderr)
        raise SystemExit(1)
    # Linux reports ru_maxrss in KiB.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, sampler.peak_kb / 1024, output)


def snapshot(out: Path) -> dict[str, int]:
    """Every output file with its mtime, to see what a rebuild rewrote."""
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def describe(values: list[float], digits: int) -> str:
    return " / ".join(f"{v:.{digits}f}" for v in (statistics.median(values), min(values), max(values)))


def print_table(n: int, counts: dict[str, int], full: list[Run], noop: list[Run]) -> None:
    print()
    print(f"sitegen build: {n} articles, {counts['authors']} authors, {counts['topics']} topics, "
          f"{len(full)} runs each (median / min / max)")
    columns = (("wall s", "wall", 2), ("cpu s", "cpu", 2), ("peak RSS MB", "maxrss_mb", 0), ("tree PSS MB", "tree_mb", 0))
    rows = [
        [name] + [describe([getattr(r, attr) for r in runs], digits) for _, attr, digits in columns]
        for name, runs in (("full build", full), ("no-op rebuild", noop))
    ]
    # Columns as wide as their widest cell: a slow build must not run into the next figure.
    widths = [max(len(row[0]) for row in rows)] + [
        max(len(title), *(len(row[i + 1]) for row in rows)) for i, (title, _, _) in enumerate(columns)
    ]
    header = "  ".join([" " * widths[0]] + [title.rjust(w) for (title, _, _), w in zip(columns, widths[1:])])
    print(header)
    print("-" * len(header))
    for row in rows:
        print("  ".join([row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:])]))
    ratios = [statistics.median(getattr(r, attr) for r in noop) / statistics.median(getattr(r, attr) for r in full)
              for attr in ("wall", "cpu")]
    print("no-op / full (medians): wall {:.3f}, cpu {:.3f}".format(*ratios))


def load() -> str:
    # Wall times on a shared 2-core machine mean little without the load
    # they were measured under; cpu seconds are the steadier figure.
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def machine_probe() -> float:
    """CPU seconds of a fixed pure-Python loop, the best of three: how fast this
    machine runs Python at the moment. A shared machine has slow spells minutes
    long, in which the same build costs a third more CPU; a probe beside each
    figure tells them apart from a change in the code."""
    best = float("inf")
    for _ in range(3):
        started, total = time.process_time(), 0
        for i in range(1_000_000):
            total += i * i
        best = min(best, time.process_time() - started)
    return best


def tail(text: str, lines: int = 3) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()[-lines:])


def script_python(script: str) -> str:
    with open(script, "rb") as f:
        first = f.readline().decode("utf-8", "replace").strip()
    interpreter = first[2:].split()[0] if first.startswith("#!") else ""
    return interpreter if "python" in Path(interpreter).name else sys.executable


def profile_build(command: list[str], cwd: Path, top: int) -> None:
    """One full build under cProfile (main process only; workers unseen)."""
    import pstats

    with tempfile.TemporaryDirectory() as tmp:
        stats_file = Path(tmp) / "build.prof"
        # The console script is a Python file, so cProfile can run it as
        # __main__, under the interpreter it names (the one sitegen is in).
        run_build([script_python(command[0]), "-m", "cProfile", "-o", str(stats_file), *command], cwd)
        stats = pstats.Stats(str(stats_file))
        stats.sort_stats("cumulative").print_stats(top)
        # cumtime's top is mostly the call chain down to the work; tottime
        # names where the main process itself spends its time.
        stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=generate.REPO / "bench" / "out")
    parser.add_argument("--sitegen", help="sitegen executable (default: the venv's)")
    parser.add_argument("--profile", type=int, metavar="TOP", default=0,
                        help="instead of timing, profile one full build; print the TOP entries by cumtime and by tottime")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    corpus, counts = ensure_corpus(args.articles, workdir)
    out = workdir / f"site-{args.articles}"
    sitegen = find_sitegen(args.sitegen)
    command = [sitegen, "build", "--config", str(corpus / "site.yml"), "--out", str(out)]
    # The corpus is the child's working directory, so a cache kept relative
    # to it lands there and is cleaned with the rest.
    if args.profile:
        clean_build_state(out, corpus)
        profile_build(command, corpus, args.profile)
        empty_trash(workdir)
        return 0

    full: list[Run] = []
    for i in range(args.runs):
        clean_build_state(out, corpus)
        full.append(run_build(command, corpus))
        print(f"full build {i + 1}/{args.runs}: {full[-1].wall:.2f} s ({load()})", flush=True)
    files = snapshot(out)
    pages = sum(1 for name in files if name.endswith(".html"))

    noop: list[Run] = []
    rewritten = 0
    for i in range(args.runs):
        before = snapshot(out) if i == 0 else {}
        noop.append(run_build(command, corpus))
        if i == 0:
            after = snapshot(out)
            rewritten = sum(1 for name, mtime in after.items() if before.get(name) != mtime)
        print(f"no-op rebuild {i + 1}/{args.runs}: {noop[-1].wall:.2f} s ({load()})", flush=True)

    print_table(args.articles, counts, full, noop)
    print(f"pages: a full build writes {pages} HTML pages ({len(files)} files); "
          f"the first no-op rebuild rewrote {rewritten} files (mtime changed or new)")
    print(f"last lines of sitegen's output, full build:\n{tail(full[0].output)}")
    print(f"no-op rebuild:\n{tail(noop[0].output)}")
    empty_trash(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
