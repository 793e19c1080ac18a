"""The frozen Library: articles, authors and topics resolved to ids.

Authors and topics are named in articles as ids or as names; both resolve
to one page. A name without a profile still gets a page, named as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .aliases import alias_targets
from .arabic import slugify, strip_tashkeel
from .config import Config
from .content.frontmatter import split_front_matter
from .content.model import Article, Author, Library, Topic, Warning_
from .errors import ContentError, Problem, located
from .yamlio import key_lines

_EPOCH = dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)


def sort_key(article: Article) -> tuple:
    """Newest first, undated last; ties broken by id so order never wobbles."""
    if article.date is None:
        return (1, _EPOCH, article.id)
    return (0, -article.date.timestamp(), article.id)


def _slug_where(config: Config, article: Article) -> str:
    """Where an article's URL comes from: its `slug:` line, else line 1 (the file name).

    The file is read again only when two articles collide, so builds pay nothing for it.
    """
    try:
        text = (config.root / article.source).read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        meta_text = split_front_matter(text, article.source).meta_text
    except (OSError, UnicodeDecodeError, ContentError):
        return article.source
    return located(article.source, key_lines(meta_text, first_line=2).get(("slug",), 1))


def _name_key(name: str) -> str:
    return strip_tashkeel(name).casefold().strip()


def _resolver(profiles: dict[str, Author] | dict[str, Topic], aliases: dict[str, str]):
    by_name = {_name_key(p.name): p.id for p in profiles.values()}
    # The same few hundred names recur across the archive's ~30,000 bylines and tags, so
    # their slugs and keys are worked out once. Only those: whether the slug names a
    # profile is asked each time, as `profiles` gains the names articles bring.
    keys: dict[str, tuple[str, str]] = {}

    def resolve(written: str) -> str:
        found = keys.get(written)
        if found is None:
            found = keys[written] = (slugify(written), _name_key(written))
        ident, name = found
        if ident in profiles:
            return ident
        return by_name.get(name) or aliases.get(name) or aliases.get(ident, ident)

    return resolve


def build_library(
    articles: Iterable[Article],
    authors: Iterable[Author],
    topics: Iterable[Topic],
    config: Config,
    include_drafts: bool = False,
    warnings: Iterable[Warning_] = (),
) -> Library:
    author_map: dict[str, Author] = {a.id: a for a in authors}
    topic_map: dict[str, Topic] = {t.id: t for t in topics}
    problems: list[Problem] = []
    resolve_author = _resolver(author_map, alias_targets(author_map, _name_key, config.root, problems))
    resolve_topic = _resolver(topic_map, alias_targets(topic_map, _name_key, config.root, problems))
    if problems:
        raise ContentError(problems)
    publisher = config.publisher.name or config.title
    publisher_id = slugify(publisher)

    kept = sorted((a for a in articles if include_drafts or not a.draft), key=sort_key)
    seen: dict[str, Article] = {}
    article_authors: dict[str, tuple[str, ...]] = {}
    article_topics: dict[str, tuple[str, ...]] = {}
    for article in kept:
        if article.id in seen:
            other = seen[article.id]
            problems.append(
                Problem(
                    _slug_where(config, article),
                    f"claims the URL of {other.source} (slug `{article.id}`)",
                    "give one of them another `slug:` in its front matter, or rename the file",
                )
            )
            continue
        seen[article.id] = article
        names = article.author_names or (publisher,)
        ids = []
        for name in names:
            ident = publisher_id if name == publisher and not article.author_names else resolve_author(name)
            author_map.setdefault(ident, Author(id=ident, name=name))
            ids.append(ident)
        article_authors[article.id] = tuple(dict.fromkeys(ids))
        tids = []
        for name in article.topic_names:
            ident = resolve_topic(name)
            topic_map.setdefault(ident, Topic(id=ident, name=name))
            tids.append(ident)
        article_topics[article.id] = tuple(dict.fromkeys(tids))
    if problems:
        raise ContentError(problems)
    by_source = {a.source: a.id for a in seen.values()}
    return Library(
        articles=tuple(seen.values()),
        authors=dict(sorted(author_map.items())),
        topics=dict(sorted(topic_map.items())),
        article_authors=article_authors,
        article_topics=article_topics,
        by_id=dict(seen),
        by_source=by_source,
        warnings=tuple(warnings),
    )
