"""`sitegen check`: read the built site as a server and a disk would, and list what breaks.

Checked: every internal link and asset (served under the base path, and opened
from disk, where a root-relative link points at the file system's root), and
the element a link to a place in a page (#id) names; each page's lang, dir,
<title> and canonical link, duplicate ids, images without alt text, and that
feeds and sitemaps are well-formed XML whose URLs land on built files.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree as ET

from .config import Config
from .errors import Problem

_LINK_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("source", "src")}


@dataclass
class PageFacts:
    lang: str = ""
    dir: str = ""
    title: bool = False
    canonical: bool = False
    ids: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)  # the src of each image without alt text


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.facts.lang, self.facts.dir = values.get("lang", ""), values.get("dir", "")
        elif tag == "title":
            self.facts.title = True
        elif tag == "link" and values.get("rel") == "canonical" and values.get("href"):
            self.facts.canonical = True
        if values.get("id"):
            self.facts.ids.append(values["id"])
        if tag == "img" and "alt" not in values:
            self.facts.unlabelled.append(values.get("src", ""))
        for name, value in values.items():
            if (tag, name) in _LINK_ATTRS and value:
                self.facts.links.append(value)


def read_page(html: str) -> PageFacts:
    reader = _Reader()
    reader.feed(html)
    return reader.facts


def _target(out: Path, page: str, href: str, base_path: str) -> tuple[Path | None, str]:
    """The file a link needs, and what is wrong with it from disk ('' if nothing)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None, ""
    path = unquote(parts.path)
    disk_problem = ""
    if path.startswith("/"):
        disk_problem = "is root-relative, so it breaks when the site is opened from disk"
        if not path.startswith(base_path):
            return out / "__outside_base_path__", disk_problem
        resolved = path[len(base_path) :]
    else:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if resolved.startswith(".."):
            return out / "__outside_site__", ""
        if resolved == ".":
            resolved = ""
    if path.endswith("/") or resolved == "":
        resolved = (resolved.rstrip("/") + "/index.html").lstrip("/")
    return out / resolved, disk_problem


def check_site(out: Path, config: Config) -> list[Problem]:
    problems: list[Problem] = []
    if not out.is_dir():
        return [Problem(str(out), "no built site here", "run `sitegen build` first")]
    # Each page's ids are kept for the links to a place in it, checked once every page is
    # read; the rest of a page is checked as it is read, and not kept.
    ids: dict[Path, set[str]] = {}
    places: list[tuple[str, str, Path, str]] = []  # (page, href, the page it names, id)
    for file in sorted(out.rglob("*.html")):
        page = file.relative_to(out).as_posix()
        facts = read_page(file.read_text(encoding="utf-8"))
        ids[file] = set(facts.ids)
        for what, ok in (("lang", facts.lang), ("dir", facts.dir), ("<title>", facts.title)):
            if not ok:
                problems.append(Problem(page, f"page has no {what}", "render it through the theme's base.html"))
        if not facts.canonical and page != "404.html" and config.absolute:
            problems.append(Problem(page, "page has no canonical link", "set an absolute base_url in site.yml"))
        for ident, count in Counter(facts.ids).items():
            if count > 1:
                problems.append(Problem(page, f"id `{ident}` is used {count} times", "make element ids unique"))
        for src in dict.fromkeys(facts.unlabelled):
            problems.append(Problem(page, f"image {src} has no alt text", 'say what it shows in alt="…" (alt="" if it is only decoration)'))
        for href in dict.fromkeys(facts.links):
            target, disk_problem = (file, "") if href.startswith("#") else _target(out, page, href, config.base_path)
            if target is None:
                continue
            if not target.is_file():
                problems.append(Problem(page, f"broken link or missing asset: {href}", "fix the link, or build the page it names"))
                continue
            if disk_problem and page != "404.html":  # the server answers 404 at any depth
                problems.append(Problem(page, f"link {href} {disk_problem}", "write links relative to the page"))
            fragment = unquote(urlsplit(href).fragment)
            if fragment:
                places.append((page, href, target, fragment))
    for page, href, target, fragment in places:
        if target in ids and fragment not in ids[target]:
            problems.append(Problem(page, f"link {href} names no element of its page (no id `{fragment}`)", "link to an id that page has, or to the page alone"))
    problems.extend(_check_xml(out, config))
    return problems


def _check_xml(out: Path, config: Config) -> list[Problem]:
    problems = []
    base = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
    for file in sorted(out.rglob("*.xml")):
        name = file.relative_to(out).as_posix()
        try:
            root = ET.parse(file).getroot()
        except ET.ParseError as exc:
            problems.append(Problem(f"{name}:{exc.position[0]}", f"invalid XML: {exc}", "rebuild; report a bug if it persists"))
            continue
        found = [el.text or "" for el in root.iter() if el.tag.endswith("}loc")]
        found += [el.get("href", "") for el in root.iter() if el.tag.endswith("}link")]
        for url in found:
            if not url.startswith(base):
                problems.append(Problem(name, f"URL outside the site: {url}", "check base_url in site.yml"))
                continue
            rel = unquote(url[len(base) :])
            target = out / (rel + "index.html" if rel.endswith("/") or rel == "" else rel)
            if not target.is_file():
                problems.append(Problem(name, f"URL names no built file: {url}", "rebuild the site"))
    return problems
