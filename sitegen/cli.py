"""Command line: sitegen build | new | check | import | serve. Exit 0 on success, 1 on bad input, 2 on usage."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import replace
from pathlib import Path

from .config import default_config, load_config
from .errors import SitegenError


def _config(path: str, base_url: str | None = None):
    config_path = Path(path)
    overrides = {"base_url": base_url} if base_url else {}
    if not config_path.exists() and path == "site.yml":
        if overrides:
            return replace(default_config(Path.cwd()), **overrides)
        return default_config(Path.cwd())  # a bare content/ folder builds with defaults
    return load_config(config_path, overrides)


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build

    config = _config(args.config, args.base_url)
    out = Path(args.out) if Path(args.out).is_absolute() else Path.cwd() / args.out
    report = build(config, out, include_drafts=args.drafts, cache_dir=Path(args.cache) if args.cache else None)
    timing = ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items())
    if report.unchanged:
        outcome = "nothing changed; public/ left as it was"
    else:
        outcome = f"{report.rendered} rendered, {report.pages - report.rendered} reused, {report.written} files written"
    print(f"built {report.articles} articles into {args.out}: {report.pages} pages ({outcome}); {report.static} static files")
    print(f"time: {timing}")
    if report.search is not None:
        found = report.search
        print(
            f"search: {found.records} articles in {found.shards} shard(s), {found.shards - len(found.reused)} indexed, "
            f"{len(found.reused)} kept; {found.timings['pagefind']:.2f}s since it began"
        )
    elif not report.skipped:
        print("search: no article it shows changed; the index was kept as it was")
    if report.undated:
        print(f"{report.undated} undated article(s), listed under the archive's undated section")
    if report.drafts_skipped:
        print(f"{report.drafts_skipped} draft(s) skipped; build with --drafts to include them")
    if report.warnings:
        print(f"{len(report.warnings)} warning(s), shown above")
    return 0


NEW_TEMPLATE = """---
title: {title}
date: {date}
authors: []
topics: []
summary: ""
---

"""


def cmd_new(args: argparse.Namespace) -> int:
    import yaml

    from .arabic import slugify  # here, not at the top: it loads Babel's dates, which a build may not need

    config = _config(args.config)
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    folder = config.root / "content" / "articles" / f"{now.year}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{now.date().isoformat()}-{slugify(args.title)}.md"
    if path.exists():
        print(f"{path}: already exists; nothing was written", file=sys.stderr)
        return 1
    title = yaml.safe_dump(args.title, allow_unicode=True).removesuffix("\n...\n").strip()
    path.write_text(NEW_TEMPLATE.format(title=title, date=now.isoformat()), encoding="utf-8")
    print(path)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    config = _config(args.config)
    config_path = Path(args.config) if Path(args.config).exists() else None
    return serve(config, Path(args.out), args.port, config_path=config_path, watch=not args.no_watch)


def cmd_check(args: argparse.Namespace) -> int:
    from .check import check_site

    config = _config(args.config)
    problems = check_site(Path(args.out), config)
    for problem in problems:
        print(problem, file=sys.stderr)
    pages = sum(1 for _ in Path(args.out).rglob("*.html"))
    print(f"checked {pages} pages in {args.out}: {len(problems)} problem(s)")
    return 1 if problems else 0


def parser(with_import: bool = True) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="sitegen", description="Build an Arabic news archive into a static site.")
    sub = top.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="build content/ into a static site")
    build.add_argument("--config", default="site.yml", help="site configuration (default: site.yml)")
    build.add_argument("--out", default="public", help="output folder (default: public)")
    build.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    build.add_argument("--base-url", help="publish under this URL instead of site.yml's base_url (e.g. in CI)")
    build.add_argument("--cache", help="build cache folder (default: .sitegen-cache beside site.yml); safe to delete")
    build.set_defaults(run=cmd_build)

    new = sub.add_parser("new", help="create a dated article file ready to fill")
    new.add_argument("title", help="the article's title")
    new.add_argument("--config", default="site.yml")
    new.set_defaults(run=cmd_new)

    serve = sub.add_parser("serve", help="serve the built site on 127.0.0.1")
    serve.add_argument("--config", default="site.yml")
    serve.add_argument("--out", default="public")
    serve.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    serve.add_argument("--no-watch", action="store_true", help="serve without rebuilding on change")
    serve.set_defaults(run=cmd_serve)

    check = sub.add_parser("check", help="check the built site for broken links, missing metadata and invalid XML")
    check.add_argument("--config", default="site.yml")
    check.add_argument("--out", default="public")
    check.set_defaults(run=cmd_check)

    imp = sub.add_parser("import", help="turn text dumps, HTML, WXR or records into Markdown articles")
    if with_import:
        # The importers pull in trafilatura and lxml: ~0.4 s that a build should not pay.
        from .importers.command import configure, run

        configure(imp)
        imp.set_defaults(run=run)
    return top


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    args = parser(with_import="import" in words[:1] or not words or words[0].startswith("-")).parse_args(argv)
    try:
        return args.run(args)
    except SitegenError as exc:
        count = len(exc.problems)
        print(f"error: {count} problem(s); nothing was published\n{exc}", file=sys.stderr)
        return 1


def entry() -> None:
    """The `sitegen` command. After a build, the process ends without the
    interpreter's teardown: freeing the modules and caches a 10,000-article build
    leaves took ~0.45 s of an edit's ~5 s, and there is nothing left to do by then
    (the cache is closed, every file written and closed, every worker ended).
    Other commands exit as usual; `main` itself never ends the process (tests call it)."""
    code = main()
    if sys.argv[1:2] == ["build"]:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
