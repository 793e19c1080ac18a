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
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise ContentError(Problem(f"{source}:1", "the first line must be exactly `---`", "put the first key on its own line"))
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            meta_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            meta = load_yaml(meta_text, source, first_line=2, what="front matter") if meta_text.strip() else {}
            if meta is None:
                meta = {}
            if not isinstance(meta, dict):
                raise ContentError(
                    Problem(f"{source}:2", "front matter must be a mapping of keys", "write `title: ...` style lines")
                )
            return Split(meta, meta_text, body, index + 2)
    raise ContentError(
        Problem(f"{source}:1", "front matter is never closed", "add a line `---` after the last front matter key")
    )
