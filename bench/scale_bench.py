"""A whole build at archive scale, then a browser spot-check of the site it made.

    .venv/bin/python bench/scale_bench.py [--articles 100000] [--runs 1]

Issue 7: 100,000 articles build in under 10 minutes with peak memory under
8 GB, and the site works. For the generated corpus of N articles
(bench/generate.py, kept in WORKDIR/corpus-N) it times --runs full builds
(wall, CPU of the whole process tree, largest process, summed PSS of the tree:
the figures of build_bench.py), then one rebuild after one article's body was
edited (the edit is undone afterwards), then opens the site in headless
Chromium and checks, over http://127.0.0.1 and from file://: the home page, an
article, its author's page and a search that must find results (merged over
the search shards on the web). Exit status 1 if a check fails.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from browser_support import ARGS, CHROMIUM, serve  # noqa: E402
from build_bench import Run, clean_build_state, describe, empty_trash, ensure_corpus, find_sitegen, load, run_build  # noqa: E402

QUERY = "الكاظمي"  # a name the generated text (from the Daraj sample) repeats


def summary(label: str, runs: list[Run]) -> str:
    return (
        f"{label}: wall {describe([r.wall for r in runs], 1)} s, cpu {describe([r.cpu for r in runs], 1)} s (median / min / max), "
        f"largest process {max(r.maxrss_mb for r in runs):.0f} MB, tree PSS {max(r.tree_mb for r in runs):.0f} MB"
    )


def edit_one(corpus: Path) -> tuple[Path, str]:
    source = sorted((corpus / "content" / "articles").rglob("*.md"))[len(corpus.name) % 7]
    original = source.read_text(encoding="utf-8")
    source.write_text(original + "\nفقرة أضيفت لقياس إعادة البناء بعد تعديل مقال واحد.\n", encoding="utf-8")
    return source, original


def spot_check(out: Path) -> list[str]:
    """What fails when the built site is browsed; an empty list when all is well."""
    from playwright.sync_api import sync_playwright

    failures: list[str] = []

    def check(ok: bool, what: str) -> None:
        print(f"  {'ok ' if ok else 'FAIL'} {what}", flush=True)
        if not ok:
            failures.append(what)

    with sync_playwright() as pw, serve(out, "/archive/") as server:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for mode, home in (("http", server.url("")), ("file", (out / "index.html").as_uri())):
            page = browser.new_page()
            page.goto(home)
            check(page.locator("html[dir=rtl]").count() == 1, f"{mode}: home page is RTL")
            page.click("main a[href*='articles/']")
            page.wait_for_load_state()
            check(page.locator("main h1").count() == 1 and "articles/" in page.url, f"{mode}: an article opens ({page.url[-60:]})")
            byline = page.locator("main a[href*='authors/']").first
            if byline.count():
                byline.click()
                page.wait_for_load_state()
                check("authors/" in page.url and page.locator("main a[href*='articles/']").count() > 0, f"{mode}: its author's page lists articles")
            search = server.url("search/") if mode == "http" else (out / "search" / "index.html").as_uri()
            page.goto(f"{search}?q={quote(QUERY)}")
            page.wait_for_selector("#search[data-state=done]", timeout=120_000)
            hits = page.locator("#search-list li").count()
            status = page.inner_text("#search-status")
            check(hits > 0, f"{mode}: search {QUERY} shows {hits} results ({status.strip()})")
            page.close()
        browser.close()
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    parser.add_argument("--sitegen", help="sitegen executable (default: the venv's)")
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()
    corpus, counts = ensure_corpus(args.articles, workdir)
    out = workdir / f"scale-site-{args.articles}"
    command = [find_sitegen(args.sitegen), "build", "--config", str(corpus / "site.yml"), "--out", str(out)]

    full = []
    for i in range(args.runs):
        clean_build_state(out, corpus)
        full.append(run_build(command, corpus))
        print(f"full build {i + 1}/{args.runs}: {full[-1].wall:.1f} s ({load()})", flush=True)
    source, original = edit_one(corpus)
    try:
        edited = run_build(command, corpus)
    finally:
        source.write_text(original, encoding="utf-8")
    print(f"one article edited: {edited.wall:.1f} s ({load()})", flush=True)
    restored = run_build(command, corpus)  # back to the corpus as generated, for the next run

    print(f"\n{args.articles} articles ({counts})")
    print(summary("full build", full))
    print(summary("one article edited", [edited]))
    print(summary("edit undone", [restored]))
    print("last lines of sitegen's output (full build):\n" + "\n".join(full[-1].output.strip().splitlines()[-3:]))
    print("\nbrowser spot-check:")
    failures = spot_check(out)
    empty_trash(workdir)
    print("all checks passed" if not failures else f"{len(failures)} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
