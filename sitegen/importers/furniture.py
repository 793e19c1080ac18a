"""Page furniture rules, loaded from data (package default + site.yml extras)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from ..errors import ConfigError, Problem


@dataclass(frozen=True)
class LineRule:
    kind: str
    pattern: re.Pattern[str]
    max_words: int = 0  # 0: any length


@dataclass(frozen=True)
class Furniture:
    lines: tuple[LineRule, ...]
    inline: tuple[LineRule, ...]
    related_links: tuple[re.Pattern[str], ...]
    teasers: tuple[re.Pattern[str], ...]

    def line_kind(self, line: str) -> str | None:
        """The kind of furniture this whole line is, or None for article text."""
        words = 0
        for rule in self.lines:
            if rule.max_words:
                words = words or len(line.split())
                if words > rule.max_words:
                    continue
            if rule.pattern.fullmatch(line):
                return rule.kind
        return None

    def strip_inline(self, line: str) -> tuple[str, list[str]]:
        """The line without inline furniture, and what was cut from it."""
        cut: list[str] = []
        for rule in self.inline:
            if "[" not in line and rule.kind == "shortcode":
                continue  # the common case, without running the regex
            found = rule.pattern.findall(line)
            if found:
                cut.extend(f"{rule.kind}: {piece}" for piece in found)
                line = " ".join(rule.pattern.sub(" ", line).split())
        return line, cut

    def related_link(self, line: str) -> str | None:
        """The linked title of a "read also: <title>" line, or None."""
        for pattern in self.related_links:
            match = pattern.fullmatch(line)
            if match:
                return match["title"].strip()
        return None


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(
            Problem(where, f"furniture pattern {pattern!r} is not a valid regular expression: {exc}",
                    "fix the pattern (Python `re` syntax); quote it in YAML with single quotes")
        ) from None


def load_furniture(extra_patterns: Sequence[str] = ()) -> Furniture:
    """The default furniture rules, plus an outlet's own whole-line patterns."""
    return _load(tuple(extra_patterns))


@lru_cache(maxsize=8)
def _load(extra_patterns: tuple[str, ...]) -> Furniture:
    text = resources.files("sitegen").joinpath("data/furniture.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    where = "sitegen/data/furniture.yml"
    lines = [
        LineRule(rule["kind"], _compile(rule["pattern"], where), int(rule.get("max_words", 0)))
        for rule in data.get("lines", ())
    ]
    lines += [LineRule("custom", _compile(p, "site.yml: importer.furniture")) for p in extra_patterns]
    inline = tuple(
        LineRule(rule["kind"], _compile(rule["pattern"], where), 0) for rule in data.get("inline", ())
    )
    return Furniture(
        lines=tuple(lines),
        inline=inline,
        related_links=tuple(_compile(p, where) for p in data.get("related_links", ())),
        teasers=tuple(_compile(p, where) for p in data.get("teasers", ())),
    )
