"""One decoded input in, its drafts (or failures) out, by format."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from .furniture import Furniture
from .model import Draft, Failure, Skip
from .records import iter_csv_records, iter_json_records, record_to_draft
from .text import read_text


@dataclass(frozen=True)
class ReadOptions:
    furniture: Furniture
    mapping: Mapping[str, str] = field(default_factory=dict)
    drafts: bool = False  # import WordPress drafts and private posts too


def read_input(text: str, name: str, fmt: str, options: ReadOptions) -> Iterator[Draft | Failure | Skip]:
    if fmt == "text":
        yield read_text(text, name, options.furniture)
    elif fmt in ("json", "csv"):
        records = iter_json_records(text, name) if fmt == "json" else iter_csv_records(text, name)
        for item in records:
            if isinstance(item, Failure):
                yield item
            else:
                record_id, record = item
                yield record_to_draft(record, f"{name}#{record_id}", options.mapping, options.furniture, fmt)
    elif fmt == "wxr":
        from .wxr import read_wxr  # lxml is only loaded for WordPress exports

        yield from read_wxr(text, name, options.furniture, include_drafts=options.drafts)
    elif fmt == "html":
        from .html import read_html  # trafilatura is slow to import; only pages need it

        yield read_html(text, name, options.furniture)
    else:
        yield Failure(name, f"unknown format {fmt!r}", "use --format auto|text|html|wxr|json|csv")
