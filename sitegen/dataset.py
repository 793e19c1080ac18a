"""public/data/: every article's metadata and permalink, for others to reuse.

Up to SHARD_SIZE articles: one `data/articles.json` array (urls.DATA). Past it, JSON Lines
shards `data/articles-0001.jsonl`, … of SHARD_SIZE each, and `articles.json`
lists them, so no client has to load one huge file.

The single file is indented by two spaces a level (orjson's one indent; Python's
own encoder indents only in Python, at ten times the cost). The build keeps each
record's text (`record_text`) and makes again only those whose article changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

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


def record_text(config: Config, library: Library, article: Article) -> str:
    """An article's record as an item of the single file's array (one level in)."""
    text = orjson.dumps(record(config, library, article), option=orjson.OPT_INDENT_2).decode("utf-8")
    # A JSON string holds no raw line break, so each one here is the layout's own.
    return "  " + text.replace("\n", "\n  ")


def record_texts(
    config: Config, library: Library, keys: Mapping[str, str], saved: Mapping[str, tuple[str, str]]
) -> dict[str, tuple[str, str]]:
    """(key, record_text) of every article: the saved one where its key still stands, else made now.

    `keys`: by article id, a digest of everything its record shows."""
    texts = {}
    for article in library.articles:
        key, old = keys[article.id], saved.get(article.id)
        texts[article.id] = old if old is not None and old[0] == key else (key, record_text(config, library, article))
    return texts


def single_file(library: Library) -> bool:
    """Whether articles.json holds the records themselves (no shards)."""
    return len(shards(tuple(a.id for a in library.articles))) == 1


def index_file(config: Config, library: Library, texts: Mapping[str, str] | None = None) -> bytes:
    """articles.json; `texts`, by article id, are records already made by record_text."""
    ids = tuple(a.id for a in library.articles)
    parts = shards(ids)
    if len(parts) == 1:
        if not ids:
            return b"[]\n"
        known = texts or {}
        items = [known.get(i) or record_text(config, library, library.by_id[i]) for i in ids]
        return ("[\n" + ",\n".join(items) + "\n]\n").encode("utf-8")
    listing = {"count": len(ids), "shards": [{"path": urls.data_shard(n), "count": len(p)} for n, p in enumerate(parts, 1)]}
    return orjson.dumps(listing, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def shard_file(config: Config, library: Library, ids: tuple[str, ...]) -> bytes:
    return b"".join(orjson.dumps(record(config, library, library.by_id[i]), option=orjson.OPT_APPEND_NEWLINE) for i in ids)
