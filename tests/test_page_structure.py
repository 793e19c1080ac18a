"""The default theme's pages, each kind of them, as a reader's tools walk them: links to
a place in a page (#id) land on an element of that page (the build's link check sees
only the file a link needs), and headings go down one level at a time."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import SITE_YML, Site, article


def _ids(page: Path, found: dict[Path, set[str]]) -> set[str]:
    if page not in found:
        found[page] = set(re.findall(r'\bid="([^"]*)"', page.read_text(encoding="utf-8")))
    return found[page]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Dated and undated articles over years, two authors and topics, a footnote and a
    section heading, and two entries a page, so that every list has page/2/. Built
    once for the module's tests, which only read it."""
    dates = ["2024-02-01", "2024-01-01", "2023-05-01", "2021-03-01", "2021-02-01", "2019-07-01", None]
    files = {
        f"content/articles/a{n}.md": article(f"مقال {n}", date=d, authors=["كاتب", "كاتبة"] if n % 2 else ["كاتب"], topics=["العراق", "لبنان"][: 1 + n % 2])
        for n, d in enumerate(dates)
    }
    files = {path: text.replace("date: null\n", "") for path, text in files.items()}
    files["content/articles/notes.md"] = article("حواشٍ", "نص فيه حاشية.[^1]\n\n[^1]: الحاشية.\n\n## قسم أول\n\nنص.", date="2022-01-01", authors=["كاتب"])
    files["site.yml"] = SITE_YML + "per_page: {home: 2, author: 2, topic: 2, archive: 2}\n"
    built = Site(tmp_path_factory.mktemp("every-kind")).write(files)
    built.build()
    return built


def test_every_link_to_a_place_in_a_page_finds_it(site: Site) -> None:
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


def test_headings_go_down_one_level_at_a_time(site: Site) -> None:
    """One h1 a page, and no level skipped below it: screen readers list a page by its headings."""
    kinds = set()
    for page in sorted(site.out.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue  # a redirect: no page of its own
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", html)]
        where = page.relative_to(site.out).as_posix()
        assert levels[:1] == [1] and levels.count(1) == 1, f"{where}: {levels}"
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"{where} skips a level: {levels}"
        kinds.add(where.split("/")[0])
    assert {"articles", "authors", "topics", "archive", "index.html", "search", "404.html"} <= kinds


def test_every_page_has_a_title_of_its_own(site: Site) -> None:
    """Tabs, history and search results tell pages apart by their titles: a list's
    pages say which page they are, and an index sorted two ways says which way."""
    titles: dict[str, list[str]] = {}
    for page in sorted(site.out.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' not in html:
            titles.setdefault(re.search(r"<title>([^<]*)</title>", html).group(1), []).append(page.relative_to(site.out).as_posix())
    assert {title: pages for title, pages in titles.items() if len(pages) > 1} == {}
    assert titles["كاتب · صفحة 2 · أرشيف الاختبار"] == ["authors/كاتب/page/2/index.html"]
    assert titles["الكتّاب · حسب عدد المقالات · أرشيف الاختبار"] == ["authors/by-count.html"]
