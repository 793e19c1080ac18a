"""What each page depends on, as one hash: a page is rendered again exactly when
its fingerprint changes (Nikola's lesson: inputs and settings, not mtimes)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from . import __version__
from .cache import digest
from .config import Config
from .link import Linked
from .render import Page, template_dirs


def site_digest(config: Config, include_drafts: bool) -> str:
    """Everything every page reads: sitegen itself, the config and all templates."""
    settings = repr({f.name: getattr(config, f.name) for f in dataclasses.fields(config) if f.name != "root"})
    parts: list[bytes | str] = [__version__, settings, str(include_drafts)]
    for folder in template_dirs(config):
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                parts += [file.relative_to(folder).as_posix(), file.read_bytes()]
    parts.append(Path(__file__).parent.joinpath("render.py").read_bytes())  # how contexts are built
    return digest(*parts)


def article_digests(linked: Linked, hashes: dict[str, str]) -> dict[str, str]:
    """An article as others show it: its file, and the names its bylines and tags resolve to."""
    lib = linked.library
    out = {}
    for article in lib.articles:
        authors = [(a, lib.authors[a].name) for a in lib.article_authors[article.id]]
        topics = [(t, lib.topics[t].name) for t in lib.article_topics[article.id]]
        out[article.id] = digest(hashes[article.source], repr(authors), repr(topics))
    return out


def profile_digests(linked: Linked) -> dict[str, str]:
    lib = linked.library
    return {f"author:{i}": digest(repr(a)) for i, a in lib.authors.items()} | {
        f"topic:{i}": digest(repr(t)) for i, t in lib.topics.items()
    }


def page_fingerprint(site: str, page: Page, articles: dict[str, str], profiles: dict[str, str]) -> str:
    return digest(
        site, page.path, page.kind, repr(page.key),
        *(articles[i] for i in page.shows), *(profiles[p] for p in page.profiles),
    )  # fmt: skip
