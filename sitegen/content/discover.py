"""Find the site's source files, in a stable order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sources:
    root: Path
    articles: tuple[str, ...]  # paths relative to root, posix style
    authors: tuple[str, ...]
    topics: tuple[str, ...]


def discover(root: Path) -> Sources:
    content = root / "content"

    def find(folder: str, pattern: str) -> tuple[str, ...]:
        base = content / folder
        if not base.is_dir():
            return ()
        return tuple(sorted(p.relative_to(root).as_posix() for p in base.glob(pattern) if p.is_file()))

    return Sources(
        root=root,
        articles=find("articles", "**/*.md"),
        authors=find("authors", "*.yml") + find("authors", "*.yaml"),
        topics=find("topics", "*.yml") + find("topics", "*.yaml"),
    )
