"""Write a draft as the build reads it: YAML front matter, then Markdown."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

import yaml

from .cleanup import Block
from .model import Draft

try:
    _Dumper: type = yaml.CSafeDumper
except AttributeError:  # PyYAML built without libyaml
    _Dumper = yaml.SafeDumper

# Characters that would turn plain text into Markdown markup.
_INLINE_RE = re.compile(r"([\\`*\[\]])|(<)(?=[A-Za-z/!?])|(&)(?=#?\w+;)|(?<!\w)(_)|(_)(?!\w)")
_BLOCK_START_RE = re.compile(r"^(?:(#{1,6})(?=\s|$)|([>+\-=|~])|(\d{1,9})([.)])(?=\s|$))")
_THEMATIC_RE = re.compile(r"^[-*_=\s]{3,}$")


def escape_text(text: str) -> str:
    """Plain text as Markdown that renders back to the same text."""
    text = _INLINE_RE.sub(lambda m: "\\" + next(g for g in m.groups() if g), text)
    if _THEMATIC_RE.match(text):
        return "\\" + text
    return _BLOCK_START_RE.sub(_escape_block_start, text, count=1)


def _escape_block_start(match: re.Match[str]) -> str:
    hashes, marker, number, delimiter = match.groups()
    if hashes:
        return "\\" + hashes
    if marker:
        return "\\" + marker
    return f"{number}\\{delimiter}"


def blocks_to_markdown(blocks: Iterable[Block]) -> str:
    parts = [("> " if b.quote else "") + escape_text(b.text) for b in blocks]
    return "\n\n".join(parts)


FIELD_ORDER = (
    "title", "date", "updated", "authors", "topics", "summary", "slug", "lang",
    "source_url", "image", "draft", "dateline", "related", "import", "extra",
)  # fmt: skip


def front_matter(draft: Draft, slug: str, when: str) -> dict[str, Any]:
    """The front matter mapping, in the build's schema; empty fields omitted."""
    removed = list(draft.removed)
    values: dict[str, Any] = {
        "title": draft.title,
        "date": draft.date,
        "updated": draft.updated,
        "authors": list(draft.authors),
        "topics": list(draft.topics),
        "summary": draft.summary,
        "slug": slug,
        "lang": draft.lang,
        "source_url": draft.source_url,
        "image": draft.image,
        "draft": True if draft.draft else None,
        "dateline": draft.dateline,
        "related": [dict(r) for r in draft.related],
        "import": {"source": draft.origin, "format": draft.format, "when": when, "removed": removed},
        "extra": dict(draft.extra),
    }
    if not removed:
        del values["import"]["removed"]
    return {k: values[k] for k in FIELD_ORDER if values[k] not in (None, "", [], {})}


# Stands in for the hash while the text is hashed: the hash line is left out
# of the hash, so its value can be filled in afterwards without a second dump.
_PLACEHOLDER = "sha256:" + "0" * 32


def render_document(meta: dict[str, Any], body: str) -> str:
    """The whole file, its content hash added under `import.hash`."""
    meta["import"]["hash"] = _PLACEHOLDER
    text = _compose(meta, body)
    digest = content_hash(text)
    meta["import"]["hash"] = digest
    return text.replace(f"  hash: {_PLACEHOLDER}\n", f"  hash: {digest}\n", 1)


def _compose(meta: dict[str, Any], body: str) -> str:
    dumped = yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6, default_flow_style=False)
    return f"---\n{dumped}---\n\n{body.strip()}\n"


# Lines the hash leaves out: the hash itself, and the import time, which
# changes on every run while the article does not.
_VOLATILE_RE = re.compile(r"^  (?:hash|when): .*$")


def content_hash(text: str) -> str:
    """Hash of a file's text, without its `import.hash` and `import.when` lines.

    Matching this against the stored hash tells an untouched import from a
    file someone edited by hand, and an unchanged re-import from a new one.
    """
    kept: list[str] = []
    in_import = False
    for line in text.split("\n"):
        if line and not line[0].isspace():
            in_import = line.startswith("import:")
        if in_import and _VOLATILE_RE.match(line):
            continue
        kept.append(line)
    return "sha256:" + hashlib.sha256("\n".join(kept).encode("utf-8")).hexdigest()[:32]


_STORED_HASH_RE = re.compile(r"^  hash: '?(sha256:[0-9a-f]+)'?$", re.MULTILINE)


def stored_hash(text: str) -> str | None:
    match = _STORED_HASH_RE.search(text)
    return match[1] if match else None
