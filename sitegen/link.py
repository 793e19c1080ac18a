"""Linking: everything the pages need to point at each other, computed once.

Broken links between articles are found here, before anything is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import related as related_mod
from . import taxonomy
from .crossrefs import Teaser, backlinks, resolve_teasers
from .hubs import Hub, hubs
from .content.model import Library
from .errors import ContentError, Problem, located


@dataclass(frozen=True)
class Linked:
    library: Library
    by_author: dict[str, tuple[str, ...]]
    by_topic: dict[str, tuple[str, ...]]
    archive: taxonomy.Archive
    related: dict[str, tuple[str, ...]]
    neighbours: dict[str, tuple[str | None, str | None]]
    teasers: dict[str, tuple[Teaser, ...]]  # imported "read also", resolved where archived
    backlinks: dict[str, tuple[str, ...]]  # article id -> ids of articles linking to it
    author_hubs: dict[str, Hub]
    topic_hubs: dict[str, Hub]


def check_refs(library: Library) -> None:
    """Raise ContentError naming every link between articles (with its line) that
    leads to no article of this site."""
    problems = []
    for article in library.articles:
        missing = [ref for ref in article.refs if ref not in library.by_source]
        if missing:
            lines = dict(article.ref_lines)
            problems += [
                Problem(
                    located(article.source, lines.get(ref)),
                    f"links to {ref}, which is not an article of this site",
                    "fix the link's path (relative to this file), or remove the link",
                )
                for ref in missing
            ]
    if problems:
        raise ContentError(problems)


def link(library: Library, related: dict[str, tuple[str, ...]] | None = None) -> Linked:
    """`related`, when given, was computed earlier for exactly this library (the build cache)."""
    check_refs(library)
    teasers = resolve_teasers(library)
    author_hubs, topic_hubs = hubs(library)
    return Linked(
        library=library,
        by_author=taxonomy.by_author(library),
        by_topic=taxonomy.by_topic(library),
        archive=taxonomy.archive(library),
        related=related if related is not None else related_mod.related(library),
        neighbours=taxonomy.neighbours(library),
        teasers=teasers,
        backlinks=backlinks(library, teasers),
        author_hubs=author_hubs,
        topic_hubs=topic_hubs,
    )
