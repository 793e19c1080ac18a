"""Links between articles that the articles themselves make: imported "read also"
teasers resolved to archived articles, and the backlinks they and body links give.

A teaser resolves by its URL against the archive's `source_url`s (scheme, www.,
trailing slash and percent-escapes ignored), else by its title (spelling folded);
when the archive does not hold it, it stays an external link (or plain text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .content.model import Library, RelatedTeaser

_SPACE_PUNCT_RE = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Teaser:
    teaser: RelatedTeaser
    target: str | None  # the archived article's id, when the archive holds it


def url_key(url: str) -> str:
    """A URL as compared: no scheme, no www., no trailing slash or query noise."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    if not host:
        return ""
    return f"{host}{unquote(parts.path).rstrip('/')}" + (f"?{parts.query}" if parts.query else "")


def title_key(title: str) -> str:
    """A title as compared: folded spelling, punctuation and spacing ignored."""
    from .search.normalize import fold  # the search package imports the linking stage

    return _SPACE_PUNCT_RE.sub(" ", fold(title)).strip()


def resolve_teasers(library: Library) -> dict[str, tuple[Teaser, ...]]:
    """Every article's teasers, each resolved to an archived article when possible.

    With two archived articles of one title the newest wins (library order), so
    the result is the same on every build.
    """
    if not any(article.related_teasers for article in library.articles):
        return {}  # nothing to resolve: folding every title for the index took ~0.1 s at 10,000 articles
    by_url: dict[str, str] = {}
    by_title: dict[str, str] = {}
    for article in library.articles:
        if article.source_url:
            by_url.setdefault(url_key(article.source_url), article.id)
        by_title.setdefault(title_key(article.title), article.id)
    by_url.pop("", None)
    out: dict[str, tuple[Teaser, ...]] = {}
    for article in library.articles:
        if not article.related_teasers:
            continue
        resolved = []
        for teaser in article.related_teasers:
            target = by_url.get(url_key(teaser.url)) if teaser.url else None
            if target is None:
                target = by_title.get(title_key(teaser.title))
            resolved.append(Teaser(teaser, target if target != article.id else None))
        out[article.id] = tuple(resolved)
    return out


def backlinks(library: Library, teasers: dict[str, tuple[Teaser, ...]]) -> dict[str, tuple[str, ...]]:
    """For each article, the archived articles that link to it (body links or teasers), newest first."""
    found: dict[str, list[str]] = {}
    for article in library.articles:  # newest first, so each list is too
        targets = [library.by_source[r] for r in article.refs]
        targets += [t.target for t in teasers.get(article.id, ()) if t.target]
        for target in dict.fromkeys(targets):
            if target != article.id:
                found.setdefault(target, []).append(article.id)
    return {ident: tuple(ids) for ident, ids in found.items()}
