"""What every reader hands to the writer: an article draft, or a failure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Draft:
    """One article as read from a source, before it is written.

    `origin` names the source file and record (`file#3`); it is the article's
    identity across imports, so re-importing a source finds its earlier file.
    """

    origin: str
    format: str
    title: str = ""
    body: str = ""  # Markdown
    date: str | None = None  # ISO 8601, never guessed
    updated: str | None = None
    authors: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    summary: str = ""
    slug: str = ""
    slug_hint: str = ""  # a name to prefer over the title when no slug is given
    lang: str = ""
    source_url: str = ""
    image: str = ""
    dateline: str = ""
    draft: bool = False
    related: list[dict[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. "date not readable: ..."


@dataclass(frozen=True)
class Failure:
    """A source or record that could not be imported, and why."""

    origin: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.origin}: {self.message}"
        return f"{text} (fix: {self.fix})" if self.fix else text


@dataclass(frozen=True)
class Skip:
    """A draft read fine but deliberately not imported (a WordPress draft, ...)."""

    origin: str
    reason: str
