"""Errors that carry where they came from and what to do about them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where, what, and the fix."""

    where: str  # "path:line", "path", or a config key
    message: str
    fix: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}"
        return f"{text}\n  fix: {self.fix}" if self.fix else text


def located(path: Path | str, line: int | None = None) -> str:
    return f"{path}:{line}" if line else str(path)


class SitegenError(Exception):
    """Every error sitegen reports; holds one or more problems, reported together."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type, tuple[list[Problem]]]:
        # Raised in a worker process, it is pickled to the build: with its problems,
        # not the joined message that Exception would pickle by default.
        return type(self), (self.problems,)


class ConfigError(SitegenError):
    """site.yml is missing, malformed, or holds unknown or mistyped keys."""


class SearchError(SitegenError):
    """The search index could not be written."""


class ContentError(SitegenError):
    """An article, author or topic file cannot be used as it is."""


class ThemeError(SitegenError):
    """A template (the theme's, or a site's own override of it) cannot be rendered."""
