"""Issue 5 in headless Chromium: one build for a GitHub Pages project path, crawled
link by link as served under that path and, by clicking, as opened from disk.

Each crawl must reach every page the build wrote, so a page no link leads to, a
link to a folder (a directory listing from disk) or outside the project path, and
any asset that fails all show up. The site is small but has every kind of page.
"""

from __future__ import annotations

import struct
import zlib
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urldefrag

import pytest
from browser_support import Server, launch, marks, serve, tab
from conftest import Site, article

pytestmark = marks()

BASE = "/daraj-archive/"
SITE_YML = """\
title: "أرشيف درج"
description: "أرشيف للاختبار: يعمل من الخادم ومن القرص"
base_url: "https://example.github.io/daraj-archive/"
locale: ar_LB
publisher: {name: "درج", url: "https://daraj.media/", logo: "static/img/logo.png"}
per_page: {home: 2, author: 2, topic: 2, archive: 2}
"""


def png(width: int = 4, height: int = 3) -> bytes:
    """A valid grey PNG, so the crawl also loads an image from the site."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


# Authors with a profile (hazem, rasha) and without (Jane Doe), a topic with a profile
# (iraq) and without (لبنان), an English and an undated article, links between articles,
# and per_page 2 so hazem, rasha, iraq and 2021/11 get page/2/.
FILES: dict[str, str | bytes] = {
    "static/img/logo.png": png(),
    "content/authors/hazem.yml": "name: حازم الأمين\nbio: صحافي لبناني.\nlinks: {تويتر: 'https://twitter.com/example'}\n",
    "content/authors/rasha.yml": "name: رشا الأمير\n",
    "content/topics/iraq.yml": "name: العراق\ndescription: كل ما يخص العراق\n",
    # The image path is written relative to the page (articles/kadhimi/), as the body is emitted verbatim.
    "content/articles/2021/kadhimi.md": article(
        "مسيّرات على منزل الكاظمي", "استهدفت طائرات مسيّرة منزل رئيس الوزراء. انظر [خلفية الفصائل](militias.md).\n\n![خريطة](../../static/img/logo.png)",
        date="2021-11-07T09:00:00+03:00", authors=["hazem"], topics=["iraq"],
        source_url="https://daraj.media/%d9%85%d8%b3%d9%8a%d8%b1%d8%a7%d8%aa/",
    ),
    "content/articles/2021/militias.md": article(
        "الفصائل والدولة في العراق", "منذ عام 2019 والفصائل تراكم سلاحها. [عن المسيّرات](kadhimi.md)",
        date="2021-11-01", authors=["hazem", "rasha"], topics=["iraq"],
    ),
    "content/articles/2021/beirut.md": article(
        "بيروت بعد الانفجار", "مدينة تنتظر العدالة. [الفصائل](militias.md)", date="2021-11-03", authors=["rasha"], topics=["لبنان"],
    ),
    "content/articles/2022/elections.md": article(
        "انتخابات بلا تغيير", "صوّت اللبنانيون في مايو.", date="2022-05-16", authors=["rasha"], topics=["لبنان"],
    ),
    "content/articles/2022/english.md": article(
        "Drones over Baghdad: what the attack means",
        "Three drones targeted the residence of the prime minister. See [the Arabic report](../2021/kadhimi.md).",
        date="2021-11-08", lang="en", authors=["Jane Doe"], topics=["iraq"],
    ),
    "content/articles/undated.md": article("مقال بلا تاريخ", "نص قديم لا نعرف تاريخه.", authors=["hazem"], topics=["iraq"]),
    # rasha's fourth: her 2019 is on her page/2/ alone, so page 1 links its year there.
    "content/articles/2019/port.md": article("المرفأ قبل الانفجار", "مخزن نيترات في قلب المدينة.", date="2019-03-02", authors=["rasha"], topics=["لبنان"]),
}


def build_site(root: Path) -> Site:
    (root / "site.yml").write_text(SITE_YML, encoding="utf-8")
    site = Site(root).write(FILES)
    site.build()
    return site


def built_pages(public: Path) -> set[str]:
    """Every HTML page of the build as a path under public/, except the 404 page no link leads to."""
    return {p.relative_to(public).as_posix() for p in public.rglob("*.html")} - {"404.html"}


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("crawl-site")).out


@pytest.fixture(scope="module")
def browser(public: Path) -> Iterator:
    with launch() as chromium:  # after `public`: the site is built before Playwright starts
        yield chromium


# Where a page leads: its anchors and the header's search form (the only way to the
# search page), resolved by the browser, after offline.js has run; and the <head>
# links a reader's software fetches (feeds, stylesheet), not the canonical URL,
# which names the published site on purpose. Download links (the citations) are
# data: URLs, not pages: test_browser downloads them.
LINKS = """() => ({
  anchors: [...document.querySelectorAll('a[href]:not([download])')].map(a => a.href),
  forms: [...document.querySelectorAll('form[action]')].map(f => f.action),
  head: [...document.querySelectorAll('head link[href]:not([rel=canonical])')].map(l => l.href),
  main: document.querySelectorAll('main#main').length === 1,
})"""


def test_served_under_the_project_path_every_link_and_asset_resolves(browser, public: Path) -> None:
    with serve(public, BASE) as server:
        crawl_served(browser, server, public)


def crawl_served(browser, server: Server, public: Path) -> None:
    root = server.origin + BASE
    pages: dict[str, str] = {}  # URL -> the page it was first found on
    queue = deque([root])
    pages[root] = "(start)"
    fetched: set[str] = set()
    with tab(browser, (server.origin + "/",), block=False) as seen:
        while queue:
            url = queue.popleft()
            response = seen.page.goto(url, wait_until="load")
            assert response is not None and response.status == 200, f"{url} (linked from {pages[url]}): {response and response.status}"
            links = seen.page.evaluate(LINKS)
            for href in links["anchors"] + links["forms"]:
                target = urldefrag(href).url.split("?")[0]
                if not target.startswith(server.origin + "/"):
                    continue  # another site (the source article, the publisher): never followed
                # A root-relative link (/articles/…) would miss the project path on GitHub Pages.
                assert target.startswith(root), f"{url} links outside {BASE}: {href}"
                if target not in pages:
                    pages[target] = url
                    queue.append(target)
            for href in links["head"]:
                assert href.startswith(root), f"{url}: <head> links outside the site: {href}"
                if href not in fetched:
                    fetched.add(href)
                    status = seen.page.request.get(href).status
                    assert status == 200, f"{href} in the <head> of {url}: {status}"
            assert seen.console_errors == [] and seen.page_errors == [], url
        assert seen.bad_status == [], "pages or assets answered >= 400"
        assert seen.failed == [] and seen.foreign == [], "requests failed or left 127.0.0.1"
        requested = set(seen.requests)
    # The server's own log also sees requests the page events may not (the favicon).
    assert [(p, s) for p, s in server.served if s >= 400] == []
    reached = {unquote(u[len(root) :]) + ("index.html" if u.endswith("/") else "") for u in pages}
    assert built_pages(public) - reached == set(), "pages no link leads to"
    # The crawl really loaded each kind of asset, so the checks above covered them.
    for asset in ("static/css/site.css", "static/js/offline.js", "static/fonts/NotoNaskhArabic-Regular.woff2", "static/img/logo.png"):
        assert root + asset in requested, f"{asset} was never requested"
    assert root + "feed.xml" in fetched and root + "topics/iraq/feed.xml" in fetched


# Where a reader would click to follow `target`: a point inside the first link to it that is on
# screen once scrolled to and not covered (the skip link waits above the top), or of the
# search button for the form. Clicking there with the mouse is a real, trusted click.
CLICK_POINT = """([target, isForm]) => {
  const candidates = isForm ? [document.querySelector('form.site-search button[type=submit]')]
    : [...document.querySelectorAll('a[href]')].filter(a => a.href.split('#')[0] === target);
  for (const el of candidates) {
    el.scrollIntoView({block: 'center'});
    const r = el.getClientRects()[0];
    if (!r || r.width === 0) continue;
    const x = r.left + Math.min(r.width / 2, 8), y = r.top + r.height / 2;
    const hit = document.elementFromPoint(x, y);
    if (hit && (hit === el || el.contains(hit))) return {x, y};
  }
  return null;
}"""


def on_disk(url: str, public: Path) -> Path:
    """The file a file:// URL names, without its query and fragment."""
    assert url.startswith("file://"), url
    return Path(unquote(urldefrag(url).url.split("?")[0][len("file://") :]))


def test_opened_from_disk_every_page_is_reached_by_clicking(browser, public: Path) -> None:
    home = (public / "index.html").as_uri()
    site = public.resolve()
    reached = {home: "(start)"}  # page URL -> the page whose link was clicked to reach it
    found: dict[str, dict] = {}  # page URL -> its links, read once on arrival
    # Breadth first: targets in the order they were found, each clicked on a page already
    # visited, the current one when it links there (the header links are on every page),
    # else the page it was found on, reopened. Folder targets count as their index.html.
    queue: deque[tuple[str, str]] = deque()  # (target as linked, page it was found on)
    with tab(browser, ("file:",), block=False) as seen:

        def arrive(url: str) -> None:
            links = found[url] = seen.page.evaluate(LINKS)
            assert links["main"], f"{url} is not a page of the site"
            # Every anchor and <head> link names a file that exists: no folder, no absolute /path.
            for href in links["anchors"] + links["head"]:
                if href.startswith("file:"):
                    assert on_disk(href, public).is_file(), f"{url} links to a missing file or a folder: {href}"
                else:  # only other sites; the published copy of this one would need a network
                    assert href.startswith("http") and not href.startswith(("https://example.github.io/", "http://127.")), href
            for target in [urldefrag(h).url for h in links["anchors"] if h.startswith("file:")] + links["forms"]:
                queue.append((target, url))

        def links_to(url: str, target: str) -> bool:
            return target in found[url]["forms"] or any(urldefrag(h).url == target for h in found[url]["anchors"])

        seen.page.goto(home, wait_until="load")
        arrive(home)
        while queue:
            target, finder = queue.popleft()
            if target.split("?")[0] in reached:
                continue
            here = seen.page.url.split("?")[0]
            parent = here if here in found and links_to(here, target) else finder
            if here != parent:
                seen.page.goto(parent, wait_until="load")
            is_form = target in found[parent]["forms"]  # the search form: submitted as a reader would
            point = seen.page.evaluate(CLICK_POINT, [target, is_form])
            assert point is not None, f"{parent}: nothing visible to click for {target}"
            with seen.page.expect_navigation(wait_until="load"):
                seen.page.mouse.click(point["x"], point["y"])
            landed = urldefrag(seen.page.url).url.split("?")[0]  # a link may lead to a place in the page
            file = on_disk(landed, public)
            # A folder would open Chromium's directory listing instead of the page.
            assert file.suffix == ".html" and file.is_file(), f"clicking {target} on {parent} opened {landed}"
            assert file.resolve().is_relative_to(site), landed
            assert landed == target.split("?")[0], f"clicking {target} on {parent} opened {landed}"
            reached[landed] = parent
            arrive(landed)
        assert seen.failed == [] and seen.foreign == [], "requests failed or needed a network"
        assert seen.console_errors == [] and seen.page_errors == []
    pages = {on_disk(u, public).relative_to(public).as_posix() for u in reached}
    assert built_pages(public) - pages == set(), "pages never reached by clicking"


def test_search_page_from_disk_runs_without_console_errors(browser, public: Path) -> None:
    # The query matrix is test_search_browser's; here only: from file://, in this
    # sub-path build, the offline index loads with nothing failing in the console.
    url = (public / "search/index.html").as_uri() + "?q=" + quote("العراق")
    with tab(browser, ("file:",), block=False) as seen:
        seen.page.goto(url, wait_until="load")
        seen.page.wait_for_selector("#search[data-state=done]", timeout=10_000)
        assert seen.page.get_attribute("#search", "data-engine") == "offline"
        hits = seen.page.eval_on_selector_all("#search-list a", "links => links.map(a => decodeURI(a.href))")
        assert any("/articles/militias/" in h for h in hits), f"the index did not load: {hits}"
        assert seen.console_errors == [] and seen.page_errors == []
        assert seen.failed == [] and seen.foreign == []


def test_a_year_active_on_another_page_opens_that_page_at_the_year(browser, public: Path) -> None:
    with serve(public, BASE) as server, tab(browser, (server.origin + "/",)) as seen:
        seen.page.goto(server.url("authors/rasha/"), wait_until="load")
        assert seen.page.locator("#year-2019-heading").count() == 0  # her 2019 is not on page 1
        with seen.page.expect_navigation(wait_until="load"):
            seen.page.locator(".year-counts a", has_text="2019").click()
        assert unquote(seen.page.url) == server.origin + BASE + "authors/rasha/page/2/#year-2019"
        heading = seen.page.locator("#year-2019-heading")
        assert heading.is_visible() and heading.text_content().strip() == "2019"
        assert seen.console_errors == [] and seen.failed == [] and seen.foreign == []
