"""The build cache: parsed articles and page fingerprints, keyed by content hashes.

Kept in SQLite outside public/ (default: .sitegen-cache/ beside site.yml), so a
build killed half-way leaves it consistent, and deleting it only costs time.
Nothing in it is executable: articles are stored as JSON, never pickled, and a
file that is corrupt or was not written by this version of sitegen is set
aside with a warning and rebuilt from scratch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from . import __version__
from .content.model import Article, RelatedTeaser, Warning_

if TYPE_CHECKING:  # numpy, which a no-op build never needs
    from .related_update import Basis

SCHEMA = 9  # 2: articles carry their terms (sitegen/terms.py); 3: and what search indexes (search/prepare.py); 4: the files pages link to; 5: data records; 6: the offline index's documents; 7: long texts as UTF-16; 8: public/'s files as a table; 9: digests by SHA-256
MAGIC = "sitegen-build-cache"
PAGE_SIZE = 65536  # bytes, SQLite's largest


def digest(*parts: bytes | str) -> str:
    """Each part followed by a NUL, hashed. Joined first and hashed in one call: the
    plan digests each of ~12,000 pages' parts, and a call per part added up.

    SHA-256 cut to 128 bits, not BLAKE2b: the build hashes every page it writes (some
    270 MB at 10,000 articles), and OpenSSL's SHA-256 runs on the CPU's SHA
    instructions where there are some, as on this project's machines: 2.3 times as
    fast there as CPython's BLAKE2b (0.17 s against 0.36 s over 12,000 pages)."""
    if len(parts) == 1 and type(parts[0]) is bytes:  # a page's bytes: hashed where they are, not copied
        joined = parts[0]
    else:
        try:  # all text, the plan's case: joined and encoded in two calls, the same bytes
            joined = "\x00".join(parts).encode("utf-8")
        except TypeError:  # some parts are bytes
            joined = b"\x00".join(part.encode("utf-8") if isinstance(part, str) else part for part in parts)
    hashed = hashlib.sha256(joined)
    if parts:
        hashed.update(b"\x00")  # not joined + NUL: a page's bytes copied again
    return hashed.hexdigest()[:32]


def _encode(value: Any) -> Any:
    """JSON for front matter values: dates are tagged so they come back as dates."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


# An article's long texts, stored apart from its JSON, each in its own column as
# UTF-16: they are nine tenths of a cached article's bytes, mostly Arabic, and CPython
# decodes such text from UTF-16 about seven times as fast as from UTF-8 (all 10,000
# articles' texts: 0.18 s against 1.27 s), which was most of reading the cache.
TEXTS = ("body_html", "terms")
# What search indexes of the article (search.prepare.SearchText), in the same row but
# never in the model: only the search stage reads them (`BuildCache.search_texts`).
SEARCH = ("search_text", "search_keys", "search_forms")
# With a byte order mark (the file reads the same on any machine), under the one
# name of it that str() decodes without a codec lookup; "surrogatepass", so that a
# lone surrogate (which text read as UTF-8 never holds) comes back rather than fails.
_UTF16 = "utf-16"


def article_texts(article: Article) -> tuple[bytes, ...]:
    """The TEXTS of `article`, encoded as `article_from_row` reads them."""
    return tuple(getattr(article, name).encode(_UTF16, "surrogatepass") for name in TEXTS)


# The other fields, as one JSON array in this order: an object repeating two dozen
# names in each of 10,000 rows took twice as long to decode.
FIELDS = tuple(f.name for f in dataclasses.fields(Article) if f.name not in TEXTS)


def article_to_json(article: Article) -> str:
    """Every field of `article` but its TEXTS, as JSON."""
    data = {name: getattr(article, name) for name in FIELDS}
    data["related_teasers"] = [dataclasses.asdict(t) for t in article.related_teasers]
    return json.dumps(_encode(list(data.values())), ensure_ascii=False)


ArticleRow = tuple[Any, ...]  # (source, content hash, JSON, warnings JSON, *TEXTS, *SEARCH): a row of the articles table


def article_row(source: str, content_hash: str, article: Article, warnings: Sequence[Warning_], search: Sequence[str]) -> ArticleRow:
    """The articles table's row for a parsed article and what search indexes of it
    (SEARCH, in order): made where it was parsed."""
    notes = json.dumps([dataclasses.asdict(w) for w in warnings], ensure_ascii=False)
    searched = [text.encode(_UTF16, "surrogatepass") for text in search]
    return (source, content_hash, article_to_json(article), notes, *article_texts(article), *searched)


def connect(path: Path, timeout: float = 5.0) -> sqlite3.Connection:
    """A connection to the cache that commits without waiting for the disk.

    A cache is only ever rebuilt from the sources, so it need not outlive a power
    cut, only a killed build: SQLite's journal still makes every transaction all
    or nothing when the process dies, but no commit waits for the disk to say it
    wrote. The parse workers' ~400 MB of rows at 10,000 articles waited, chunk by
    chunk: a full build took a median 25.5 s so, 23.1 s without (five of each,
    interleaved). A file an OS crash damaged anyway is set aside (`is_damaged`),
    and the build starts over without it."""
    db = sqlite3.connect(path, timeout=timeout)
    db.execute("PRAGMA synchronous = OFF")
    return db


def is_damaged(exc: sqlite3.Error) -> bool:
    """Whether SQLite found the file damaged or not a database (not merely locked, say)."""
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def set_aside(path: Path) -> None:
    """Move a damaged cache file out of the way, kept beside it for a look."""
    path.replace(path.with_name(path.name + ".bad"))


def save_articles(path: Path, rows: Sequence[ArticleRow]) -> str:
    """Keep parsed articles (`article_row`) in the cache at `path`, in a transaction
    of their own, over a connection of their own; "" or why they were not kept.

    Called by the parse workers as they finish a chunk, rather than by the build when
    it saves: no article's row then passes through the build's process (at 10,000
    articles their ~200 MB, freed there among the model's objects, stayed in its heap),
    and the writing is done while the build only waits. A row is keyed by its file's
    content hash, so it stays true whatever becomes of the build; the build's own
    record (`BuildCache.save`) is what vouches for public/. Workers take turns at the
    file (SQLite locks it while one writes): a minute is many times the longest turn
    (a 100,000-article build's chunk), yet a build sharing the cache with another
    still running gives up on keeping them rather than seem to hang.
    """
    if not rows:
        return ""
    try:
        db = connect(path, timeout=60)
        try:
            with db:
                db.executemany(f"INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?{', ?' * (len(TEXTS) + len(SEARCH))})", rows)
        finally:
            db.close()
    except sqlite3.Error as exc:  # they are parsed again next time: slower, never wrong
        return f"warning: parsed articles were not kept in the build cache {path} ({exc})"
    return ""


def _tupled(value: Any) -> Any:
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value


def article_from_row(text: str, texts: Sequence[bytes]) -> Article:
    """The Article `article_to_json` and `article_texts` wrote. Only the fields that
    can hold dates are walked for tags (`date`, `updated`, and the free-form `provenance`
    and `extra`): a walk over every value of 10,000 articles was a fifth of reading the cache.
    Empty lists, the common case, are not walked at all: a generator each took a third."""
    data = dict(zip(FIELDS, json.loads(text), strict=True))
    data.update(zip(TEXTS, [str(value, _UTF16, "surrogatepass") for value in texts], strict=True))
    for name in ("date", "updated"):
        if data[name] is not None:
            data[name] = _decode(data[name])
    teasers = data["related_teasers"]
    data["related_teasers"] = tuple([RelatedTeaser(**t) for t in teasers]) if teasers else ()
    for name in ("author_names", "topic_names", "refs"):
        data[name] = tuple(data[name])
    lines = data["ref_lines"]
    data["ref_lines"] = tuple(map(tuple, lines)) if lines else ()  # (source, line) pairs
    for name in ("provenance", "extra"):
        pairs = data[name]
        data[name] = tuple([(k, _tupled(_decode(v))) for k, v in pairs]) if pairs else ()
    return Article(**data)


@dataclasses.dataclass(frozen=True)
class CachedArticle:
    content_hash: str
    article: Article
    warnings: tuple[Warning_, ...]


@dataclasses.dataclass(frozen=True)
class CachedPage:
    fingerprint: str
    digest: str  # of the output bytes
    size: int
    links: str  # its internal links, as verify.links_text writes them
    modified: dt.datetime | None


class OfflineDocs(NamedTuple):
    """The documents of a build's offline index (search/offline.py), by number: how
    many there are, and (record key, packed weights) of those made this time."""

    count: int
    made: dict[int, tuple[str, str]]


class KnownPage(NamedTuple):
    """What a build compares of a page the last one wrote: every page is read each
    build, so its links (the bulk of a record) stay in the database until asked for."""

    fingerprint: str
    digest: str
    size: int
    modified: dt.datetime | None


def search_texts(db: sqlite3.Connection, hashes: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """`BuildCache.search_texts`, over any connection to the cache (a forked process needs its own)."""
    out = {}
    for source, content_hash, *texts in db.execute(f"SELECT source, hash, {', '.join(SEARCH)} FROM articles"):
        if hashes.get(source) == content_hash:
            try:
                out[source] = tuple([str(value, _UTF16, "surrogatepass") for value in texts])
            except (TypeError, UnicodeDecodeError):
                continue
    return out


class BuildCache:
    def __init__(self, path: Path, warn: Callable[[str], None]):
        self.path = path
        self.warn = warn
        self.db = self._open()
        self._meta: dict[str, str] = {}  # values read or saved so far, by key

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(2):
            try:
                db = connect(self.path)
                # Large pages for a new file (an existing one keeps its own): an article row
                # of ~25 KB then spans one page rather than a chain of seven overflow pages,
                # and reading all 10,000 takes ~0.2 s rather than ~0.35.
                db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
                db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                # Only the keys that name the writer: the others hold megabytes at 10,000 articles.
                found = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('magic', 'schema', 'version')"))
                if db.execute("SELECT 1 FROM meta LIMIT 1").fetchone() is None:
                    self._create(db)
                elif found.get("magic") != MAGIC or found.get("schema") != str(SCHEMA) or found.get("version") != __version__:
                    raise sqlite3.DatabaseError(f"written by {found.get('magic')} {found.get('version')}, schema {found.get('schema')}")
                return db
            except sqlite3.DatabaseError as exc:
                if attempt:
                    raise
                self.warn(f"warning: ignoring the build cache {self.path} ({exc}); a full build follows")
                try:
                    db.close()
                except Exception:  # noqa: BLE001 - the file is being discarded anyway
                    pass
                set_aside(self.path)
        raise AssertionError("unreachable")

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        with db:
            texts = ", ".join(f"{name} BLOB" for name in TEXTS + SEARCH)
            db.execute(f"CREATE TABLE articles (source TEXT PRIMARY KEY, hash TEXT, meta TEXT, warnings TEXT, {texts})")
            db.execute("CREATE TABLE pages (file TEXT PRIMARY KEY, fingerprint TEXT, digest TEXT, size INTEGER, links TEXT, modified TEXT)")
            # Every file a saved page links to (and perhaps a few no page links to any more):
            # lets a build tell whether a file it no longer writes breaks a page it kept.
            db.execute("CREATE TABLE targets (file TEXT PRIMARY KEY)")
            # Every file the last build left in public/. A table, not one JSON list in meta:
            # an edit changes a few of 50,000 names (a search fragment's, say), and
            # writing the whole list again took ~0.1 s.
            db.execute("CREATE TABLE files (file TEXT PRIMARY KEY) WITHOUT ROWID")
            # Each article's record as the data page shows it (dataset.record_text), under the key it was made for.
            db.execute("CREATE TABLE data_records (id TEXT PRIMARY KEY, key TEXT, text TEXT)")
            # What each document number of the offline index holds: lets an edit patch that index (search/offline_patch.py).
            db.execute("CREATE TABLE offline_docs (doc INTEGER PRIMARY KEY, key TEXT, weights TEXT)")
            db.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("magic", MAGIC), ("schema", str(SCHEMA)), ("version", __version__), ("generation", "")],
            )

    def get(self, key: str) -> Any:
        """The value saved under `key` (text, or bytes where bytes were saved), "" if none."""
        if key not in self._meta:  # remembered: `save` leaves a value it is given back alone
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            self._meta[key] = row[0] if row else ""
        return self._meta[key]

    def files(self) -> list[str]:
        """Every file the last build left in public/, sorted (by code point, as Python sorts)."""
        return [f for (f,) in self.db.execute("SELECT file FROM files ORDER BY file")]

    def related(self, key: str | None = None) -> dict[str, tuple[str, ...]] | None:
        """Related articles saved for `key` (any key, when None), or None."""
        if key is not None and self.get("related_key") != key:
            return None
        try:
            return {k: tuple(v) for k, v in json.loads(self.get("related")).items()}
        except (ValueError, AttributeError, TypeError) as exc:
            if key is not None or self.get("related"):
                self.warn(f"warning: ignoring damaged related articles in the cache ({exc})")
            return None

    def related_basis(self, articles: int) -> Basis | None:
        """What the saved related articles were made from (related_update.Basis), for
        an archive of `articles`; None if there is none for them, or it is damaged."""
        from .related_update import decode

        data = self.get("related_basis")
        if not data:
            return None
        try:
            basis = decode(bytes(data), articles)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            self.warn(f"warning: ignoring damaged related-article tables in the cache ({exc})")
            return None
        return basis if basis.inputs.key == self.get("related_key") else None

    def articles(self) -> dict[str, CachedArticle]:
        out = {}
        for source, content_hash, meta, warnings, *texts in self.db.execute(f"SELECT source, hash, meta, warnings, {', '.join(TEXTS)} FROM articles"):
            try:
                article = article_from_row(meta, texts)
                notes = tuple(Warning_(**w) for w in json.loads(warnings)) if warnings != "[]" else ()
            except (ValueError, TypeError, KeyError) as exc:
                self.warn(f"warning: ignoring a damaged cache entry for {source} ({exc})")
                continue
            out[source] = CachedArticle(content_hash, article, notes)
        return out

    def search_texts(self, hashes: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
        """What search indexes of each article (SEARCH, in order), by source, as kept
        for the content hash in `hashes`; an article missing here (not kept, or kept
        for other content, or damaged) is for the caller to work out again."""
        return search_texts(self.db, hashes)

    def pages(self) -> dict[str, KnownPage]:
        out = {}
        for file, fingerprint, page_digest, size, modified in self.db.execute("SELECT file, fingerprint, digest, size, modified FROM pages"):
            out[file] = KnownPage(fingerprint, page_digest, size, dt.datetime.fromisoformat(modified) if modified else None)
        return out

    def page_links(self, files: Iterable[str]) -> dict[str, str]:
        """The internal links saved with each of `files` (verify.links_text)."""
        wanted = set(files)
        return {file: links for file, links in self.db.execute("SELECT file, links FROM pages") if file in wanted}

    def data_records(self) -> dict[str, tuple[str, str]]:
        """(key, text) by article id, as `save` was given them."""
        return {ident: (key, text) for ident, key, text in self.db.execute("SELECT id, key, text FROM data_records")}

    def offline_keys(self) -> list[str]:
        """The record key of each document of the saved offline index, by number
        (none unless they are numbered 0, 1, 2 … as saved)."""
        rows = self.db.execute("SELECT doc, key FROM offline_docs ORDER BY doc").fetchall()
        return [key for _, key in rows] if all(doc == n for n, (doc, _) in enumerate(rows)) else []

    def offline_weights(self, docs: Iterable[int]) -> dict[int, str]:
        """The packed weights saved with each of `docs` (those there are)."""
        return dict(self._among("SELECT doc, weights FROM offline_docs WHERE doc IN ({})", docs))

    def linked_among(self, files: Iterable[str]) -> set[str]:
        """Those of `files` that a saved page may link to."""
        return {f for (f,) in self._among("SELECT file FROM targets WHERE file IN ({})", files)}

    def _among(self, query: str, values: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
        """The rows of `query`, whose "IN ({})" takes `values`: asked 500 at a time,
        under SQLite's limit on parameters."""
        listed = sorted(values)
        for start in range(0, len(listed), 500):
            part = listed[start : start + 500]
            yield from self.db.execute(query.format(",".join("?" * len(part))), part)

    def save(
        self,
        gone_articles: Iterable[str],
        pages: dict[str, CachedPage],
        gone_pages: Iterable[str],
        meta: dict[str, str],
        targets: Iterable[str] = (),
        all_targets: bool = True,
        data_records: dict[str, tuple[str, str]] | None = None,
        gone_data_records: Iterable[str] = (),
        offline: OfflineDocs | None = None,
        added_files: Iterable[str] = (),
        gone_files: Iterable[str] | None = None,
        later: Callable[[], Mapping[str, str]] | None = None,
    ) -> None:
        """Write what changed in one transaction: all of it or none (parsed articles
        are kept by `save_articles`; `gone_articles` are the sources that no longer exist).

        `targets`: files linked to by `pages`; with `all_targets`, by every page there
        is (they replace the saved ones), else added to them. `data_records`: (key, text)
        by article id, new or changed. `offline`: the offline index's documents, when
        it was made or patched. `added_files` and `gone_files`: how the list of public/'s
        files changed; with `gone_files` None, `added_files` are all of them. `later`:
        more of `meta`, asked for once the rest is written (the build works out its
        vouchers meanwhile)."""
        with self.db:
            if gone_files is None:
                self.db.execute("DELETE FROM files")
            else:
                self.db.executemany("DELETE FROM files WHERE file = ?", ((f,) for f in gone_files))
            self.db.executemany("INSERT OR IGNORE INTO files VALUES (?)", ((f,) for f in added_files))
            self.db.executemany("DELETE FROM data_records WHERE id = ?", ((i,) for i in gone_data_records))
            self.db.executemany("INSERT OR REPLACE INTO data_records VALUES (?, ?, ?)", ((i, k, t) for i, (k, t) in (data_records or {}).items()))
            if all_targets:
                self.db.execute("DELETE FROM targets")
            self.db.executemany("INSERT OR IGNORE INTO targets VALUES (?)", ((t,) for t in targets))
            if offline is not None:
                self.db.execute("DELETE FROM offline_docs WHERE doc >= ?", (offline.count,))
                self.db.executemany("INSERT OR REPLACE INTO offline_docs VALUES (?, ?, ?)", ((n, k, w) for n, (k, w) in offline.made.items()))
            self.db.executemany("DELETE FROM articles WHERE source = ?", ((s,) for s in gone_articles))
            self.db.executemany("DELETE FROM pages WHERE file = ?", ((f,) for f in gone_pages))
            self.db.executemany(
                "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (f, p.fingerprint, p.digest, p.size, p.links, p.modified.isoformat() if p.modified else "")
                    for f, p in pages.items()
                ),
            )
            if later is not None:
                meta = {**meta, **later()}
            # Only values that changed: some hold megabytes at 10,000 articles.
            changed = {key: value for key, value in meta.items() if self._meta.get(key) != value}
            self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", changed.items())
        self._meta.update(changed)

    def close(self) -> None:
        self.db.close()
