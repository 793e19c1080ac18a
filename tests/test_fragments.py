"""Links to a place in a page (#id) land on an element of that page: the build's
link check sees only the file a link needs, so the default theme's own in-page
links are checked here, over a site with pages of every kind."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from conftest import SITE_YML, article


def _ids(page: Path, found: dict[Path, set[str]]) -> set[str]:
    if page not in found:
        found[page] = set(re.findall(r'\bid="([^"]*)"', page.read_text(encoding="utf-8")))
    return found[page]


def test_every_link_to_a_place_in_a_page_finds_it(make_site) -> None:
    dates = ["2024-02-01", "2024-01-01", "2023-05-01", "2021-03-01", "2021-02-01", "2019-07-01", None]
    files = {
        f"content/articles/a{n}.md": article(f"مقال {n}", date=d, authors=["كاتب", "كاتبة"] if n % 2 else ["كاتب"], topics=["العراق", "لبنان"][: 1 + n % 2])
        for n, d in enumerate(dates)
    }
    files = {path: text.replace("date: null\n", "") for path, text in files.items()}
    files["content/articles/notes.md"] = article("حواشٍ", "نص فيه حاشية.[^1]\n\n[^1]: الحاشية.\n\n## قسم أول\n\nنص.", date="2022-01-01", authors=["كاتب"])
    site = make_site(files, site_yml=SITE_YML + "per_page: {home: 2, author: 2, topic: 2, archive: 2}\n")
    site.build()
    found: dict[Path, set[str]] = {}
    checked = 0
    for page in sorted(site.out.rglob("*.html")):
        for href in re.findall(r'href="([^"]*#[^"]*)"', page.read_text(encoding="utf-8")):
            if re.match(r"[a-z][a-z0-9+.-]*:", href):
                continue  # another site, or a data: URL
            path, fragment = href.split("#", 1)
            target = (page.parent / unquote(path)).resolve() if path else page
            if target.is_dir():
                target /= "index.html"
            assert unquote(fragment) in _ids(target, found), f"{page.relative_to(site.out)}: {href} finds no id={fragment!r} there"
            checked += 1
    assert checked > 30  # the skip links, years active, footnotes and the index pages' jump bars at least
