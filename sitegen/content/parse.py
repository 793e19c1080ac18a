"""One article file in, one Article (or its problems) out. Pure, so it runs in workers."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from ..arabic import clean_text, slugify
from ..errors import ContentError, Problem
from ..search.prepare import SearchText, prepare
from ..yamlio import key_lines
from .frontmatter import split_front_matter
from .markdown import render_markdown
from .model import Article, RelatedTeaser, Warning_

KNOWN_KEYS = (
    "title", "date", "updated", "authors", "topics", "summary", "slug", "lang",
    "source_url", "image", "draft", "extra", "dateline", "related", "import",
)  # fmt: skip


@dataclass(frozen=True)
class Parsed:
    article: Article | None
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Warning_, ...] = ()
    search: SearchText | None = None  # what search indexes of the article, until the build cache holds it


def parse_article(raw: bytes, source: str, default_lang: str) -> Parsed:
    """Decode, split, validate and render one article file."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Parsed(None, (Problem(f"{source}:{line}", f"not UTF-8 (byte {exc.start})", "re-save the file as UTF-8, or re-import it with `sitegen import`"),))
    text = text.replace("\r\n", "\n")
    try:
        split = split_front_matter(text, source)
    except ContentError as exc:
        return Parsed(None, tuple(exc.problems))
    meta = split.meta
    problems: list[Problem] = []
    lines: dict[tuple[str, ...], int] | None = None

    def where(key: str) -> str:
        nonlocal lines
        if lines is None:  # line numbers only when something is wrong
            lines = key_lines(split.meta_text, first_line=2)
        line = lines.get((key,))
        return f"{source}:{line}" if line else f"{source}:1"

    warnings = []
    for key in meta:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
            hint = f"; did you mean `{close[0]}`?" if close else "; put custom fields under `extra:`"
            warnings.append(Warning_(where(str(key)), f"unknown front matter key `{key}`{hint}"))

    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem(where("title") if "title" in meta else f"{source}:1", "missing title", "add `title: ...` to the front matter"))
        title = ""
    date = _read_date(meta, "date", where, problems)
    updated = _read_date(meta, "updated", where, problems)
    authors = _read_names(meta, "authors", where, problems)
    topics = _read_names(meta, "topics", where, problems)
    texts = {}
    for key in ("summary", "slug", "lang", "source_url", "image", "dateline"):
        value = meta.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            problems.append(Problem(where(key), f"`{key}` must be text", f"write `{key}: ...` as a single line of text"))
            value = ""
        texts[key] = clean_text(str(value)).strip()
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        problems.append(Problem(where("draft"), "`draft` must be true or false", "write `draft: true` or remove it"))
        draft = False
    extra = meta.get("extra") or {}
    if not isinstance(extra, dict):
        problems.append(Problem(where("extra"), "`extra` must be a mapping", "write `extra:` then indented `key: value` lines"))
        extra = {}
    provenance = meta.get("import") or {}
    if not isinstance(provenance, dict):
        provenance = {"note": str(provenance)}
    teasers = _read_teasers(meta.get("related"), where, problems)
    if problems:
        return Parsed(None, tuple(problems), tuple(warnings))

    slug = slugify(texts["slug"]) if texts["slug"] else _slug_from_source(source)
    body = clean_text(split.body)
    ref_lines: dict[str, int] = {}
    body_html, refs = render_markdown(body, source, split.body_line, ref_lines)
    title = clean_text(str(title)).strip()
    # Here rather than when indexing or relating: parsing runs in workers, and its result is cached.
    search = prepare(title, texts["summary"], body_html)
    article = Article(
        id=slug,
        source=source,
        title=title,
        body_html=body_html,
        date=date,
        updated=updated,
        author_names=authors,
        topic_names=topics,
        summary=texts["summary"],
        lang=texts["lang"] or default_lang,
        source_url=texts["source_url"],
        image=texts["image"],
        draft=draft,
        dateline=texts["dateline"],
        related_teasers=teasers,
        provenance=_freeze(provenance),
        extra=_freeze(extra),
        refs=refs,
        ref_lines=tuple(ref_lines.items()),
        words=len(body.split()),
        terms=search.terms,
    )
    return Parsed(article, (), tuple(warnings), search.indexed)


def _slug_from_source(source: str) -> str:
    """The file name is the permalink, so editing a title never moves a page.

    `sitegen new` prefixes names with the date; that prefix is not part of the slug.
    """
    stem = source.rsplit("/", 1)[-1].removesuffix(".md")
    if len(stem) > 11 and stem[:10].replace("-", "").isdigit() and stem[10] == "-":
        stem = stem[11:]
    return slugify(stem)


def _read_date(meta: dict, key: str, where: Any, problems: list[Problem]) -> dt.datetime | None:
    value = meta.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
    problems.append(
        Problem(
            where(key),
            f"`{key}` is not a date: {value!r}",
            f"write ISO 8601, e.g. `{key}: 2024-03-28` or `{key}: 2024-03-28T14:05:00+03:00`",
        )
    )
    return None


def _read_names(meta: dict, key: str, where: Any, problems: list[Problem]) -> tuple[str, ...]:
    value = meta.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in value):
        problems.append(
            Problem(where(key), f"`{key}` must be a list of names", f"write `{key}: [name one, name two]` or one `- name` per line")
        )
        return ()
    names = (clean_text(str(v)).strip() for v in value)
    return tuple(dict.fromkeys(n for n in names if n))


def _read_teasers(value: Any, where: Any, problems: list[Problem]) -> tuple[RelatedTeaser, ...]:
    if not value:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, dict) and v.get("title") for v in value):
        problems.append(Problem(where("related"), "`related` must be a list of mappings with a title", "write `- title: ...` entries"))
        return ()
    fields = RelatedTeaser.__slots__
    return tuple(RelatedTeaser(**{k: str(v[k]) for k in fields if v.get(k) is not None}) for v in value)


def _freeze(mapping: dict) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((str(k), v) for k, v in mapping.items()))
