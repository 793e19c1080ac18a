"""The first offline query from disk, timed in headless Chromium (issue 4: under 300 ms
for the 6,895-article ANT dev corpus, loading at most 2 MB of index).

    .venv/bin/python bench/offline_query_bench.py [--runs 7]

Imports ../shared/corpus/ant-news-dev.jsonl with `sitegen import` into a temporary
site, builds it, then for each query opens search/index.html from file:// in a fresh
tab --runs times and times `window.sitegenSearch.run({q})`: index scripts loaded,
matched, ranked and the first results drawn. Prints median / min / max ms, the index
files and bytes the query loaded, and the machine's load average.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "ant-news-dev.jsonl"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from browser_support import ARGS, CHROMIUM  # noqa: E402

from sitegen.build import build  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.importers.command import main as import_main  # noqa: E402

QUERIES = ("الحكومة", "وزير الخارجية", "مصطفى")
SITE_YML = "title: أرشيف\nbase_url: https://example.org/archive/\nlocale: ar_LB\n"


def make_site(root: Path) -> Path:
    (root / "site.yml").write_text(SITE_YML, encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):
        import_main([str(CORPUS), "--out", str(root / "content" / "articles")])
    out = root / "public"
    build(load_config(root / "site.yml"), out, log=lambda _m: None)
    return out


def time_query(browser, page: Path, query: str) -> tuple[float, int, int, int]:
    tab = browser.new_page()
    try:
        tab.goto(page.as_uri())
        tab.wait_for_selector("#search[data-state=done]")
        elapsed = tab.evaluate(
            "async q => { const t = performance.now(); await window.sitegenSearch.run({q}); return performance.now() - t; }", query
        )
        loaded = tab.eval_on_selector_all("script[src*='search-index/']", "tags => tags.map(t => t.src)")
        size = sum(Path(unquote(urlsplit(src).path)).stat().st_size for src in loaded)
        hits = tab.eval_on_selector_all("#search-list li", "items => items.length")
    finally:
        tab.close()
    return elapsed, len(loaded), size, hits


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="offline-bench-"))
    try:
        out = make_site(work)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for query in QUERIES:
                samples = [time_query(browser, out / "search" / "index.html", query) for _ in range(args.runs)]
                ms = [s[0] for s in samples]
                _, files, size, hits = samples[-1]
                print(
                    f"{query}: median {statistics.median(ms):.0f} ms  min {min(ms):.0f}  max {max(ms):.0f}  "
                    f"({files} index files, {size / 1024:.0f} KiB, {hits} shown)"
                )
            browser.close()
        print(f"load average {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
