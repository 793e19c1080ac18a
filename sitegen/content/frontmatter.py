"""Split a Markdown file into its YAML front matter and body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ContentError, Problem
from ..yamlio import load_yaml

FENCE = "---"


@dataclass(frozen=True)
class Split:
    meta: dict[str, Any]
    meta_text: str
    body: str
    body_line: int  # 1-based line where the body starts


def split_front_matter(text: str, source: str) -> Split:
    """Front matter between `---` fences at the top of the file, then the body."""
    if not text.startswith(FENCE):
        raise ContentError(
            Problem(
                f"{source}:1",
                "no front matter",
                "start the file with a line `---`, then `title: ...`, then a closing `---`",
            )
        )
    # Line by line up to the closing fence only: the body is most of the file.
    end = _line_end(text, 0)
    if text[:end].rstrip() != FENCE:
        raise ContentError(Problem(f"{source}:1", "the first line must be exactly `---`", "put the first key on its own line"))
    meta_start = start = end + 1
    index = 1
    while start <= len(text):
        end = _line_end(text, start)
        if text[start:end].rstrip() in (FENCE, "..."):
            meta_text = text[meta_start : max(start - 1, meta_start)]
            body = text[end + 1 :]
            meta = load_yaml(meta_text, source, first_line=2, what="front matter") if meta_text.strip() else {}
            if meta is None:
                meta = {}
            if not isinstance(meta, dict):
                raise ContentError(
                    Problem(f"{source}:2", "front matter must be a mapping of keys", "write `title: ...` style lines")
                )
            return Split(meta, meta_text, body, index + 2)
        start, index = end + 1, index + 1
    raise ContentError(
        Problem(f"{source}:1", "front matter is never closed", "add a line `---` after the last front matter key")
    )


def _line_end(text: str, start: int) -> int:
    """Where the line starting at `start` ends: its newline, or the text's end."""
    end = text.find("\n", start)
    return len(text) if end < 0 else end
