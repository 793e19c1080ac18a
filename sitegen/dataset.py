"""public/data/: every article's metadata and permalink, for others to reuse.

Up to SHARD_SIZE articles: one `data/articles.json` array (urls.DATA). Past it, JSON Lines
shards `data/articles-0001.jsonl`, … of SHARD_SIZE each, and `articles.json`
lists them, so no client has to load one huge file.
"""

from __future__ import annotations

import json
from typing import Any

from . import urls
from .cite import permalink
from .config import Config
from .content.model import Article, Library

SHARD_SIZE = 10_000


def shards(ids: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The articles of each shard, or one list when no sharding is needed."""
    return [ids[i : i + SHARD_SIZE] for i in range(0, len(ids), SHARD_SIZE)] or [()]


def record(config: Config, library: Library, article: Article) -> dict[str, Any]:
    provenance = dict(article.provenance)
    return {
        "id": article.id,
        "permalink": permalink(config, article.id),
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "updated": article.updated.isoformat() if article.updated else None,
        "lang": article.lang,
        "authors": [{"id": a, "name": library.authors[a].name} for a in library.article_authors[article.id]],
        "topics": [{"id": t, "name": library.topics[t].name} for t in library.article_topics[article.id]],
        "summary": article.summary,
        "words": article.words,
        "source_url": article.source_url or None,
        "imported_from": str(provenance.get("source", "")) or None,
        "imported_at": str(provenance.get("when", "")) or None,
    }


def index_file(config: Config, library: Library) -> bytes:
    ids = tuple(a.id for a in library.articles)
    parts = shards(ids)
    if len(parts) == 1:
        items = [record(config, library, library.by_id[i]) for i in ids]
        return (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    listing = {"count": len(ids), "shards": [{"path": urls.data_shard(n), "count": len(p)} for n, p in enumerate(parts, 1)]}
    return (json.dumps(listing, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def shard_file(config: Config, library: Library, ids: tuple[str, ...]) -> bytes:
    lines = (json.dumps(record(config, library, library.by_id[i]), ensure_ascii=False) for i in ids)
    return ("\n".join(lines) + "\n").encode("utf-8")
