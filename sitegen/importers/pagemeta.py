"""An HTML page's own statements about itself: og:*, article:*, JSON-LD, <time>.

Only what the page declares is taken; a date it does not state is left empty
(extraction libraries guess dates from URLs and copyright lines).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html


@dataclass
class PageMeta:
    title: str = ""
    url: str = ""
    description: str = ""
    date: str = ""
    updated: str = ""
    authors: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    lang: str = ""
    image: str = ""


def read_page_meta(page: str) -> PageMeta:
    try:
        tree = lxml_html.fromstring(page)
    except (ValueError, lxml_html.etree.ParserError):
        return PageMeta()
    meta: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        value = (element.get("content") or "").strip()
        if key and value:
            meta.setdefault(key, []).append(value)
    first = lambda *keys: next((meta[k][0] for k in keys if k in meta), "")  # noqa: E731
    found = PageMeta(
        title=first("og:title", "twitter:title", "headline"),
        url=first("og:url"),
        description=first("og:description", "description", "twitter:description"),
        date=first("article:published_time", "datepublished", "date", "pubdate", "publish-date", "dc.date.issued", "dc.date"),
        updated=first("article:modified_time", "datemodified", "og:updated_time"),
        authors=meta.get("article:author", []) or meta.get("author", [])[:1],
        topics=meta.get("article:tag", []) or meta.get("article:section", []),
        lang=(tree.get("lang") or first("og:locale", "language") or "").replace("_", "-").split("-")[0].lower(),
        image=first("og:image", "twitter:image"),
    )
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            found.url = found.url or link.get("href", "")
    _read_json_ld(tree, found)
    if not found.date:
        for time in tree.iter("time"):
            if time.get("datetime") and (time.get("itemprop") in (None, "datePublished") or time.get("pubdate") is not None):
                found.date = time.get("datetime", "")
                break
    if not found.title:
        titles = tree.findall(".//title")
        found.title = (titles[0].text_content() if titles else "").strip()
    found.authors = [a for a in found.authors if not a.startswith("http")]
    return found


def _read_json_ld(tree: Any, found: PageMeta) -> None:
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text_content())
        except (json.JSONDecodeError, ValueError):
            continue
        for node in _nodes(data):
            if not isinstance(node, dict) or not str(node.get("@type", "")).endswith(("Article", "Posting", "NewsArticle", "Report")):
                continue
            found.title = found.title or str(node.get("headline") or "")
            found.date = found.date or str(node.get("datePublished") or "")
            found.updated = found.updated or str(node.get("dateModified") or "")
            found.description = found.description or str(node.get("description") or "")
            if not found.authors:
                authors = node.get("author") or []
                for author in authors if isinstance(authors, list) else [authors]:
                    name = author.get("name") if isinstance(author, dict) else author
                    if isinstance(name, str) and name.strip():
                        found.authors.append(name.strip())
            if not found.topics and node.get("keywords"):
                keywords = node["keywords"]
                found.topics = [k.strip() for k in (keywords if isinstance(keywords, list) else str(keywords).split(",")) if k.strip()]


def _nodes(data: Any) -> list[Any]:
    if isinstance(data, list):
        return [n for item in data for n in _nodes(item)]
    if isinstance(data, dict) and isinstance(data.get("@graph"), list):
        return data["@graph"]
    return [data]
