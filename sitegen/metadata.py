"""Structured data for articles: schema.org NewsArticle as JSON-LD."""

from __future__ import annotations

import orjson

from . import urls
from .config import Config
from .content.model import Article, Library


def _safe_json(data: object) -> str:
    """JSON that cannot close its <script> element, whatever the titles hold."""
    text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def json_ld(config: Config, library: Library, article: Article) -> str:
    def absolute(path: str) -> str:
        return urls.absolute(config.base_url, path) if config.absolute else config.base_path + path

    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "inLanguage": article.lang,
        "mainEntityOfPage": absolute(urls.article(article.id)),
        "url": absolute(urls.article(article.id)),
        "author": [
            {"@type": "Person", "name": library.authors[a].name, "url": absolute(urls.author(a))}
            for a in library.article_authors[article.id]
        ],
        "isPartOf": {"@type": "WebSite", "name": config.title, "url": absolute(urls.HOME)},
    }
    if article.date:
        data["datePublished"] = article.date.isoformat()
        data["dateModified"] = (article.updated or article.date).isoformat()
    if article.summary:
        data["description"] = article.summary
    if article.image:
        data["image"] = article.image
    if config.publisher.name:
        publisher: dict[str, object] = {"@type": "Organization", "name": config.publisher.name}
        if config.publisher.url:
            publisher["url"] = config.publisher.url
        if config.publisher.logo:
            logo = config.publisher.logo
            publisher["logo"] = {"@type": "ImageObject", "url": logo if "://" in logo else absolute(logo)}
        data["publisher"] = publisher
    return _safe_json(data)
