"""Load: discover the sources, parse what changed (the rest comes from the cache),
read the profiles, and build the linked library."""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import NamedTuple

from .cache import BuildCache, CachedArticle, article_row, digest, save_articles
from .config import Config
from .content.discover import Sources, discover
from .content.model import Author, Library, Topic, Warning_
from .content.parse import Parsed, parse_article
from .content.profiles import read_author, read_topic
from .errors import ContentError, Problem
from .library import build_library
from .link import Linked, check_refs, link
from .related import LIMIT, Inputs, TermTables, document_frequencies, read_inputs, relate_all
from .related_update import Basis, update
from .search.prepare import SearchText
from .parallel import chunks, in_process, workers


@dataclass
class Loaded:
    linked: Linked
    hashes: dict[str, str]  # source -> content hash
    gone: list[str]  # sources the cache knew that no longer exist
    related_key: str = ""  # names the related articles computed for these sources
    related_cached: bool = False  # they came from the cache, as saved under that name
    related_basis: Basis | None = None  # what they were made from, when made now (to save)
    warnings: list[Warning_] = field(default_factory=list)
    # What search indexes of the articles parsed now that the cache does not hold, by
    # source: the others' is in the cache (`BuildCache.search_texts`).
    search: dict[str, SearchText] = field(default_factory=dict)
    parsed: int = 0
    cached: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def _content_hash(sha256: bytes, language: str) -> str:
    """What the cache keys a parsed article by: its file's SHA-256 (as the input
    digest reads it) and the site language it was parsed for."""
    return digest(sha256, language)


Job = tuple[str, tuple[str, ...], str, str, bool]  # site root, sources, language, the cache's path ("" for none), drafts included


def _parse_chunk(job: Job) -> tuple[list[tuple[bytes, Parsed]], str, Counter[str]]:
    """The files' SHA-256 and parse; the articles parsed without a problem are kept in
    the build cache from here (`save_articles`). With why they were not, if so; if
    they were, what search indexes of them stays there (`Parsed.search` is None).
    And the document frequencies of the terms of the articles the library will hold."""
    root, sources, lang, cache_path, drafts = job
    base = Path(root)
    out, rows = [], []
    for source in sources:
        raw = (base / source).read_bytes()
        # Hashed as parsed: a file edited since it was first hashed is cached under its new bytes.
        sha, parsed = hashlib.sha256(raw).digest(), parse_article(raw, source, lang)
        out.append((sha, parsed))
        if cache_path and parsed.article is not None and not parsed.problems and parsed.search is not None:
            rows.append(article_row(source, _content_hash(sha, lang), parsed.article, parsed.warnings, parsed.search))
    note = save_articles(Path(cache_path), rows) if rows else ""
    if rows and not note:
        out = [(sha, dataclasses.replace(parsed, search=None)) for sha, parsed in out]
    df = document_frequencies(p.article for _, p in out if p.article is not None and (drafts or not p.article.draft))
    return out, note, df


class ParsedSources(NamedTuple):
    parsed: list[tuple[bytes, Parsed]]  # (SHA-256, parse) of each source, in order
    # How many of the articles the library holds (drafts only if included) have each
    # term, for relating them: counted here, where they were parsed, rather than by
    # workers forked again for it (~0.25 s at 10,000 articles, most of it a core idle).
    df: Counter[str]


def parse_sources(
    root: Path, sources: tuple[str, ...], lang: str, cache: Path | None = None, log: Callable[[str], None] = lambda _: None,
    include_drafts: bool = False,
) -> ParsedSources:
    """The sources parsed; the articles are kept in the cache at `cache` as they are
    parsed (`log` hears if they could not be)."""
    jobs = [(str(root), part, lang, str(cache or ""), include_drafts) for part in ([sources] if in_process(len(sources)) else chunks(sources))]
    if len(jobs) == 1:
        done = [_parse_chunk(jobs[0])]
    else:
        with ProcessPoolExecutor(workers(), mp_context=get_context("fork")) as pool:
            done = list(pool.map(_parse_chunk, jobs))
    for note in dict.fromkeys(note for _, note, _ in done if note):
        log(note)
    df: Counter[str] = Counter()
    for _, _, part in done:
        df.update(part)
    return ParsedSources([item for parsed, _, _ in done for item in parsed], df)


def _read_profiles(sources: Sources, problems: list[Problem]) -> tuple[list[Author], list[Topic]]:
    authors, topics = [], []
    for reader, files, bucket in ((read_author, sources.authors, authors), (read_topic, sources.topics, topics)):
        for source in files:
            try:
                bucket.append(reader(sources.root, source))
            except ContentError as exc:
                problems.extend(exc.problems)
    return authors, topics


def _related(
    library: Library, inputs: Inputs, cache: BuildCache | None, previous: Mapping[str, str], df: Counter[str] | None
) -> tuple[dict[str, tuple[str, ...]], TermTables]:
    """The related lists and their tables: updated from the saved ones if they can be.
    `df`: the articles' document frequencies, if every one was parsed now."""
    if cache is not None:
        found = update(library, inputs, cache.related_basis(len(library.articles)), previous, cache.related(), LIMIT)
        if found is not None:
            return found
    return relate_all(library, df=df)


def load_site(
    config: Config, include_drafts: bool = False, cache: BuildCache | None = None, read: dict[str, bytes] | None = None,
    sources: Sources | None = None, library_made: Callable[[Library, dict[str, str], dict[str, SearchText]], object] | None = None,
) -> Loaded:
    """Everything up to a linked library; raises ContentError with every problem found.

    `read`: SHA-256 of source files by path, as `fingerprint.input_digest` found them;
    those of the other articles are added to it, hashed as they are read here.
    `sources`: the site's files as the caller discovered them, if it did.
    `library_made`: told the library once it is made and checked, before the articles
    are related and linked, with the content hashes and search texts `Loaded` will hold."""
    clock = time.perf_counter()
    sources = discover(config.root) if sources is None else sources
    read = {} if read is None else read
    known: dict[str, CachedArticle] = cache.articles() if cache else {}
    # Content hashes, not modification times, decide what is parsed again. Only an
    # article the cache holds is hashed before parsing; the others are hashed as parsed.
    for s in sources.articles:
        if s in known and s not in read:
            read[s] = hashlib.sha256((config.root / s).read_bytes()).digest()
    hashes = {s: _content_hash(read[s], config.language) for s in sources.articles if s in known}
    reuse = {s: known[s] for s in sources.articles if s in known and known[s].content_hash == hashes[s]}
    todo = tuple(s for s in sources.articles if s not in reuse)
    hashed_parsed, df = parse_sources(
        config.root, todo, config.language, cache.path if cache else None, cache.warn if cache else lambda _: None, include_drafts
    )
    read.update((s, sha) for s, (sha, _) in zip(todo, hashed_parsed))
    hashes.update((s, _content_hash(sha, config.language)) for s, (sha, _) in zip(todo, hashed_parsed))
    parsed = [item for _, item in hashed_parsed]
    problems = [p for item in parsed for p in item.problems]
    authors, topics = _read_profiles(sources, problems)
    timings = {"parse": time.perf_counter() - clock}  # articles and profiles
    if problems:
        raise ContentError(problems)
    by_source = {s: c.article for s, c in reuse.items()} | {p.article.source: p.article for p in parsed if p.article}
    warnings = [w for s in sources.articles for w in (reuse[s].warnings if s in reuse else ())]
    warnings += [w for p in parsed for w in p.warnings]
    articles = [by_source[s] for s in sources.articles]

    clock = time.perf_counter()
    library = build_library(articles, authors, topics, config, include_drafts, warnings)
    check_refs(library)  # before the related articles: a broken link is reported at once
    search = {p.article.source: p.search for p in parsed if p.article is not None and p.search is not None}
    if library_made is not None:
        library_made(library, hashes, search)
    # Related articles weigh every article against the archive, so they are kept for
    # exactly the inputs they are computed from; else updated from the saved ones
    # where a few articles changed, or computed again.
    inputs = read_inputs(library)
    known_related = cache.related(inputs.key) if cache else None
    basis = None
    if known_related is None:
        # The terms each article parsed again had before: the cache's rows were read before parsing.
        previous = {known[s].article.id: known[s].article.terms for s in todo if s in known}
        known_related, tables = _related(library, inputs, cache, previous, None if reuse else df)
        basis = Basis(inputs, tables)
    linked = link(library, known_related)
    timings["link"] = time.perf_counter() - clock
    return Loaded(
        linked=linked,
        hashes=hashes,
        gone=[s for s in known if s not in hashes],
        warnings=warnings,
        search=search,
        parsed=len(todo),
        related_key=inputs.key,
        related_cached=basis is None,
        related_basis=basis,
        cached=len(reuse),
        timings=timings,
    )
