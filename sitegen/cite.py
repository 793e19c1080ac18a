"""Citations of an article: the fields once, then BibTeX, RIS and CSL-JSON.

Values are plain text here; each format escapes them its own way (BibTeX
specials, one RIS tag per line, JSON strings), and the page escapes them as
HTML, so a title holding markup or braces can never break out of its field.

The three files are downloaded from the article page itself (`downloads`: data:
URLs), not from files beside it: they work opened from disk and without
JavaScript, cost a page ~0.5 KB gzipped, and spare the archive three files an
article: half of all its files, each one more to create, sync and host.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import orjson

from . import urls
from .config import Config
from .content.model import Article, Library

FORMATS = {"bib": "BibTeX", "ris": "RIS", "json": "CSL-JSON"}  # file extension -> label
MEDIA_TYPES = {"bib": "application/x-bibtex", "ris": "application/x-research-info-systems", "json": "application/vnd.citationstyles.csl+json"}

# Percent-escaped in a data: URL: what ends or splits a URL or an HTML attribute (%, #,
# quotes, <, >, &), spaces and control characters, which a URL parser strips. Everything
# else, Arabic included, stays as written: the URL parser encodes it as UTF-8, the
# download decodes it back, and the page carries each citation at about its own size.
# str.replace a character at a time, "%" first: ~27 µs for an article's three, where
# str.translate with a table took ~90 µs.
_DATA_ESCAPES = [(c, f"%{ord(c):02X}") for c in "%#\"&'<> \n\r\t"]
_OTHER_CONTROLS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_SPACE_RE = re.compile(r"\s+")
_BIB_SPECIAL_RE = re.compile(r"([\\{}%&$#_^~])")
_BIB_ESCAPES = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


@dataclass(frozen=True)
class Citation:
    key: str  # an ASCII citation key
    authors: tuple[str, ...]
    title: str
    publisher: str
    date: str  # YYYY-MM-DD, or "" when undated
    url: str  # the permalink
    lang: str


def _line(text: str) -> str:
    """One line of plain text: a newline in a field would start a new RIS tag."""
    return _SPACE_RE.sub(" ", text).strip()


def permalink(config: Config, article_id: str) -> str:
    """The article's lasting address: its id comes from the file name or `slug:`, never the title."""
    path = urls.article(article_id)
    return urls.absolute(config.base_url, path) if config.absolute else path


def citation(config: Config, library: Library, article: Article) -> Citation:
    authors = tuple(_line(library.authors[a].name) for a in library.article_authors[article.id])
    ident = article.id if article.id.isascii() else "a" + hashlib.sha1(article.id.encode()).hexdigest()[:10]
    year = f"{article.date.year}" if article.date else "nd"
    return Citation(
        key=re.sub(r"[^A-Za-z0-9-]", "", f"{year}-{ident}")[:60],
        authors=authors,
        title=_line(article.title),
        publisher=_line(config.publisher.name or config.title),
        date=article.date.date().isoformat() if article.date else "",
        url=permalink(config, article.id),
        lang=article.lang,
    )


def _bib(text: str) -> str:
    return _BIB_SPECIAL_RE.sub(lambda m: _BIB_ESCAPES.get(m.group(1), "\\" + m.group(1)), text)


def bibtex(cite: Citation) -> str:
    fields = [
        ("author", " and ".join(f"{{{_bib(a)}}}" for a in cite.authors)),  # braced: a name is one unit
        ("title", f"{{{_bib(cite.title)}}}"),
        ("organization", _bib(cite.publisher)),
        ("date", cite.date),
        ("url", cite.url),
        ("langid", "arabic" if cite.lang.startswith("ar") else cite.lang),
    ]
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields if value)
    return f"@online{{{cite.key},\n{body}}}\n"


def ris(cite: Citation) -> str:
    lines = ["TY  - NEWS"]
    lines += [f"AU  - {a}" for a in cite.authors]
    lines += [f"TI  - {cite.title}", f"PB  - {cite.publisher}"]
    if cite.date:
        lines += [f"PY  - {cite.date[:4]}", f"DA  - {cite.date.replace('-', '/')}"]
    lines += [f"UR  - {cite.url}", f"LA  - {cite.lang}", "ER  - "]
    return "\r\n".join(lines) + "\r\n"  # RIS is specified with CRLF line ends


def csl_json(cite: Citation) -> str:
    item: dict[str, object] = {
        "id": cite.key,
        "type": "article-newspaper",
        "title": cite.title,
        "author": [{"literal": a} for a in cite.authors],
        "publisher": cite.publisher,
        "container-title": cite.publisher,
        "URL": cite.url,
        "language": cite.lang,
    }
    if cite.date:
        item["issued"] = {"date-parts": [[int(p) for p in cite.date.split("-")]]}
    # One compact line, for tools rather than people: every article page carries it.
    return orjson.dumps([item], option=orjson.OPT_APPEND_NEWLINE).decode("utf-8")


def render_format(cite: Citation, fmt: str) -> str:
    return {"bib": bibtex, "ris": ris, "json": csl_json}[fmt](cite)


@dataclass(frozen=True)
class Download:
    label: str  # the format's name, as the page shows it
    href: str  # a data: URL holding the whole file
    filename: str
    media_type: str


def data_url(text: str, media_type: str) -> str:
    for char, escaped in _DATA_ESCAPES:
        text = text.replace(char, escaped)
    text = _OTHER_CONTROLS_RE.sub(lambda m: f"%{ord(m.group()):02X}", text)
    return f"data:{media_type};charset=utf-8,{text}"


def downloads(cite: Citation) -> list[Download]:
    """One download a format, named by the citation key (`2024-budget.bib`)."""
    return [
        Download(label, data_url(render_format(cite, fmt), MEDIA_TYPES[fmt]), f"{cite.key}.{fmt}", MEDIA_TYPES[fmt])
        for fmt, label in FORMATS.items()
    ]
