"""Shared by the importer tests: where the corpus is, and a command runner."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.importers.command import configure, run

REPO_PARENT = Path(__file__).resolve().parents[2].parent  # tests/importers/ -> repo -> its parent
CORPUS = REPO_PARENT / "shared" / "corpus"
SAMPLES = REPO_PARENT / "shared" / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_path(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data not found at {path} (tests read ../shared/ beside the repo)")
    return path


def corpus_path(*parts: str) -> Path:
    return shared_path(CORPUS.joinpath(*parts))


def run_import(*args: str | os.PathLike[str]) -> int:
    parser = argparse.ArgumentParser()
    configure(parser)
    return run(parser.parse_args([str(a) for a in args]))


def read_article(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    front, body = text[4:].split("\n---\n", 1)
    return yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)), body  # noqa: S506 - safe


_ESCAPE_RE = re.compile(r"\\(.)")
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def words(text: str) -> list[str]:
    """Normalised word sequence: no Markdown escapes, markup or punctuation."""
    from sitegen.importers.cleanup import words_of

    return words_of(_LINK_RE.sub(r"\1", _ESCAPE_RE.sub(r"\1", text)))


def contains_in_order(haystack: list[str], needles: list[list[str]]) -> list[str] | None:
    """None when every needle occurs contiguously in haystack, in order; else the first missing one."""
    joined = " " + " ".join(haystack) + " "
    position = 0
    for needle in needles:
        if not needle:
            continue
        probe = " " + " ".join(needle) + " "
        found = joined.find(probe, position)
        if found < 0:
            return needle
        position = found + len(probe) - 1
    return None
