"""`sitegen import SOURCE...`: the command's options and its run."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import SitegenError
from .detect import FORMATS, detect_format
from .furniture import load_furniture
from .model import Draft, Failure, Skip
from .readers import ReadOptions, read_input
from .records import FIELDS, parse_map
from .report import Report
from .sources import decode, iter_inputs
from .writer import Writer


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the import options to the `import` sub-command's parser."""
    parser.description = (
        "Turn text dumps, saved HTML pages, WordPress exports (WXR) and JSON/CSV records "
        "into Markdown articles with front matter. Never overwrites hand edits, never deletes."
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="a file, a folder (read recursively), a .zip, or - for standard input")
    parser.add_argument("--format", choices=("auto", *FORMATS), default="auto", help="input format (default: detected from the content)")
    parser.add_argument(
        "--map", action="append", default=[], metavar="FIELD=KEY",
        help=f"for records: the key that holds FIELD ({', '.join(FIELDS)}); repeatable",
    )  # fmt: skip
    parser.add_argument("--out", default="content/articles", help="folder for the articles (default: content/articles)")
    parser.add_argument("--dry-run", action="store_true", help="write nothing; print what would happen")
    parser.add_argument("--force", action="store_true", help="overwrite articles edited by hand since their import")
    parser.add_argument("--report", metavar="FILE", help="write a JSON report of every article's outcome")
    parser.add_argument("--drafts", action="store_true", help="WordPress: import drafts and private posts too")
    parser.add_argument("--config", metavar="site.yml", help="site config with extra furniture patterns (default: ./site.yml if present)")


def run(args: argparse.Namespace) -> int:
    """Import everything named; 0 when all went in, 1 when something failed, 2 on bad options."""
    try:
        mapping = parse_map(args.map)
        extra = _extra_patterns(getattr(args, "config", None))
        furniture = load_furniture(extra)
    except (ValueError, SitegenError) as exc:
        print(f"sitegen import: {exc}", file=sys.stderr)
        return 2
    when = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    out = Path(args.out)
    writer = Writer(out, force=args.force, dry_run=args.dry_run, when=when)
    report = Report(when=when, dry_run=args.dry_run)
    options = ReadOptions(furniture=furniture, mapping=mapping, drafts=getattr(args, "drafts", False))
    with _progress() as bar:
        for item in iter_inputs(args.sources):
            if isinstance(item, Failure):
                report.fail(item)
                continue
            text = decode(item.data, item.name)
            if isinstance(text, Failure):
                report.fail(text)
                continue
            fmt = args.format if args.format != "auto" else detect_format(text, item.name)
            for result in read_input(text, item.name, fmt, options):
                if isinstance(result, Draft):
                    outcome = writer.place(result)
                    report.add(outcome, result)
                    if args.dry_run:
                        print(f"{outcome.status}: {outcome.origin}" + (f" -> {outcome.path}" if outcome.path else "") + (f" ({outcome.message})" if outcome.message else ""))
                elif isinstance(result, Skip):
                    report.skip(result)
                else:
                    report.fail(result)
                bar.update(1)
    print(report.summary())
    if args.report:
        report.write(Path(args.report))
    return 1 if report.failed else 0


def _extra_patterns(config: str | None) -> Sequence[str]:
    """The outlet's own furniture patterns from site.yml, when there is one."""
    path = Path(config) if config else Path("site.yml")
    if not config and not path.is_file():
        return ()
    try:
        from ..config import load_config
    except ImportError:
        return ()
    try:
        return tuple(load_config(path).importer.furniture)
    except SitegenError:
        if config:
            raise
        # An unrelated problem in ./site.yml is for `sitegen build` to report.
        print("sitegen import: site.yml has problems; importing with the default furniture patterns", file=sys.stderr)
        return ()


class _progress:
    """A progress bar on a terminal; nothing when output is redirected."""

    def __enter__(self):  # noqa: ANN204 - tqdm or a stand-in
        try:
            from tqdm import tqdm
        except ImportError:
            return _NoBar()
        self._bar = tqdm(unit=" articles", disable=None, file=sys.stderr, leave=False)
        return self._bar

    def __exit__(self, *exc: object) -> None:
        if hasattr(self, "_bar"):
            self._bar.close()


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sitegen import")
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
