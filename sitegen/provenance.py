"""Where an article came from, as its page tells it: the original URL and
publisher, when it was archived, and what the import read it from."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from .content.model import Article


@dataclass(frozen=True)
class Provenance:
    url: str  # the original, when it was published online
    publisher: str
    archived: str  # ISO date of the import, "" for articles written here
    origin: str  # the file or export the import read
    format: str

    def __bool__(self) -> bool:
        return any((self.url, self.publisher, self.archived, self.origin))


def provenance(article: Article) -> Provenance:
    """From `source_url`, `import:` and the record's own fields kept under `extra`."""
    imported = dict(article.provenance)
    extra = article.extra_map
    # Records name their outlet differently; the URL's host is the last resort.
    publisher = next((str(extra[k]) for k in ("publisher", "outlet", "source", "site") if isinstance(extra.get(k), str | int)), "")
    if not publisher and article.source_url:
        publisher = urlsplit(article.source_url).netloc.removeprefix("www.")
    return Provenance(
        url=article.source_url,
        publisher=publisher,
        archived=str(imported.get("when", ""))[:10],
        origin=str(imported.get("source", "")),
        format=str(imported.get("format", "")),
    )
