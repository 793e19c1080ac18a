"""Records from scrapers and CMSs: JSON arrays, JSON Lines, CSV.

`--map FIELD=KEY` says which key holds each front matter field (or `body`);
known shapes (ANT, SaudiNewsNet, common CMS exports) need no map. Keys left
unmapped are kept under `extra`, so nothing the source had is lost.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..arabic import clean_text
from .bylines import parse_byline
from .cleanup import Block, strip_furniture
from .dates import parse_date
from .furniture import Furniture
from .htmlconv import html_to_markdown, looks_like_html
from .language import guess_lang
from .markdown_out import blocks_to_markdown
from .model import Draft, Failure

FIELDS = (
    "title", "date", "updated", "authors", "topics", "summary", "slug", "lang",
    "source_url", "image", "dateline", "draft", "body",
)  # fmt: skip

# Candidate keys per field, first present wins; a preset is picked when its
# signature keys are all in the record.
PRESETS: dict[str, tuple[frozenset[str], dict[str, str]]] = {
    "ant": (
        frozenset({"docno", "abstract", "text"}),
        {"title": "title", "date": "date", "authors": "author", "summary": "abstract",
         "body": "text", "source_url": "url", "topics": "category"},
    ),
    "saudinewsnet": (
        frozenset({"date_extracted", "content"}),
        {"title": "title", "date": "date_extracted", "authors": "author", "body": "content", "source_url": "url"},
    ),
}  # fmt: skip
GENERIC: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name", "العنوان"),
    "date": ("date", "published", "published_at", "pubDate", "publish_date", "datePublished", "created_at", "التاريخ"),
    "updated": ("updated", "updated_at", "modified", "dateModified"),
    "authors": ("authors", "author", "byline", "writer", "creator", "الكاتب"),
    "topics": ("topics", "tags", "categories", "category", "keywords", "section"),
    "summary": ("summary", "abstract", "description", "excerpt", "standfirst", "lead", "dek"),
    "slug": ("slug",),
    "lang": ("lang", "language"),
    "source_url": ("source_url", "url", "link", "permalink", "canonical_url"),
    "image": ("image", "image_url", "thumbnail", "featured_image"),
    "dateline": ("dateline",),
    "body": ("body", "text", "content", "article", "article_body", "articleBody", "html", "النص"),
}  # fmt: skip


def iter_json_records(text: str, origin: str) -> Iterator[tuple[str, Any] | Failure]:
    """(record id, record) pairs from a JSON array, one JSON object, or JSON Lines.

    A truncated array still gives every record before the damage.
    """
    stripped = text.lstrip("\ufeff \t\n")
    if stripped.startswith("["):
        yield from _json_array(stripped, origin)
        return
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError:
        yield from _json_lines(text, origin)
        return
    if isinstance(value, dict) and isinstance(value.get("articles") or value.get("items"), list):
        value = value.get("articles") or value.get("items")
        for index, record in enumerate(value, start=1):
            yield str(index), record
    else:
        yield "1", value


def _json_array(text: str, origin: str) -> Iterator[tuple[str, Any] | Failure]:
    decoder = json.JSONDecoder()
    position, index, length = 1, 0, len(text)
    while True:
        while position < length and text[position] in " \t\r\n,":
            position += 1
        if position >= length:
            yield Failure(origin, f"JSON array is not closed (truncated?) after {index} records",
                          "the records before the damage were read; re-export the file to get the rest")
            return
        if text[position] == "]":
            return
        try:
            record, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            yield Failure(f"{origin}#{index + 1}", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
                          "the records before it were read; re-export or repair the file")
            return
        index += 1
        yield str(index), record


def _json_lines(text: str, origin: str) -> Iterator[tuple[str, Any] | Failure]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield str(number), json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(f"{origin}#{number}", f"malformed JSON on line {number} column {exc.colno}: {exc.msg}",
                          "fix or remove that line; the other lines were read")


def iter_csv_records(text: str, origin: str) -> Iterator[tuple[str, Any] | Failure]:
    csv.field_size_limit(1 << 30)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        for record in reader:
            yield str(reader.line_num), record
    except csv.Error as exc:
        yield Failure(f"{origin}#{reader.line_num}", f"malformed CSV: {exc}", "check the quoting on that line")


def parse_map(items: list[str] | None) -> dict[str, str]:
    """`--map FIELD=KEY` options as a dict; unknown fields are an error."""
    mapping: dict[str, str] = {}
    for item in items or ():
        field, sep, key = item.partition("=")
        field = field.strip()
        if not sep or not key.strip():
            raise ValueError(f"--map {item!r}: write FIELD=KEY, e.g. --map title=headline")
        if field not in FIELDS:
            raise ValueError(f"--map {item!r}: unknown field {field!r}; fields are {', '.join(FIELDS)}")
        mapping[field] = key.strip()
    return mapping


def resolve_map(record: Mapping[str, Any], explicit: Mapping[str, str]) -> dict[str, str]:
    """Which key of this record holds each field: explicit map, then preset, then common names."""
    keys = set(record)
    for signature, preset in PRESETS.values():
        if signature <= keys:
            chosen = {f: k for f, k in preset.items() if k in keys}
            break
    else:
        chosen = {}
        lowered = {k.lower(): k for k in record}
        for field, candidates in GENERIC.items():
            for candidate in candidates:
                key = candidate if candidate in keys else lowered.get(candidate.lower())
                if key is not None and key not in chosen.values():
                    chosen[field] = key
                    break
    chosen.update(explicit)
    return chosen


def record_to_draft(
    record: Any, origin: str, explicit: Mapping[str, str], furniture: Furniture, fmt: str
) -> Draft | Failure:
    if not isinstance(record, dict):
        return Failure(origin, f"record is a JSON {type(record).__name__}, not an object", "each record must be a {...} object")
    mapping = resolve_map(record, explicit)
    title = _text(record.get(mapping.get("title", ""), ""))
    if not title:
        return Failure(origin, "record has no title",
                       f"fill in its title, or name the key that holds it: --map title=KEY (keys: {', '.join(sorted(map(str, record))[:12])})")
    draft = Draft(origin=origin, format=fmt, title=title)
    for field in ("summary", "source_url", "image", "dateline", "lang", "slug"):
        if field in mapping:
            setattr(draft, field, _text(record.get(mapping[field], "")))
    for field in ("date", "updated"):
        raw = record.get(mapping.get(field, ""))
        if raw not in (None, ""):
            parsed = parse_date(raw)
            setattr(draft, field, parsed)
            if parsed is None:
                draft.notes.append(f"{field} not readable: {raw!r}")
    if "authors" in mapping:
        byline = parse_byline(record.get(mapping["authors"]))
        draft.authors = byline.authors
        draft.dateline = draft.dateline or byline.dateline
    if "topics" in mapping:
        draft.topics = _names(record.get(mapping["topics"]))
    if "draft" in mapping:
        draft.draft = str(record.get(mapping["draft"], "")).strip().lower() in ("1", "true", "yes", "draft")
    body = record.get(mapping.get("body", ""), "")
    draft.body = _body(body if isinstance(body, str) else "", draft, furniture)
    draft.lang = draft.lang or guess_lang(draft.title + " " + draft.body[:2000])
    used = set(mapping.values())
    draft.extra = {str(k): v for k, v in record.items() if k not in used and v not in (None, "", [], {})}
    return draft


def _body(raw: str, draft: Draft, furniture: Furniture) -> str:
    if looks_like_html(raw):
        return html_to_markdown(raw)
    stripped = strip_furniture(raw.split("\n"), furniture)
    draft.removed.extend(stripped.removed)
    draft.related.extend(stripped.related)
    # Records hold the article text a scraper or CMS already separated from
    # the page, so a repeated passage there is the author's, not a pull quote.
    return blocks_to_markdown(Block(p) for p in stripped.paragraphs)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return " ".join(clean_text(str(value)).split())


_TOPIC_SEP_RE = re.compile(r"\s*[,،|;؛]\s*")


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else _TOPIC_SEP_RE.split(str(value or ""))
    names = (" ".join(clean_text(str(v)).split()) for v in items)
    return list(dict.fromkeys(n for n in names if n))
