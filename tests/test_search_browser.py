"""Search in headless Chromium, over http://127.0.0.1 (Pagefind) and file:// (our
offline index): the query matrix of issue 4, no false hits, filters, bad input,
the URL and the back button, and Python/JS agreement on normalisation.

One browser and one built site serve the whole module. The site is indexed in
shards (SHARD_SIZE lowered to 10, so its 37 articles make seven), as a large
archive is: every test here runs across shards.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote

import pytest
from browser_support import ARGS, CHROMIUM
from conftest import SITE_YML, Site, article
from test_search_normalize import KEY_CASES

from sitegen.search import shards
from sitegen.search.normalize import query_keys, query_text


sync_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is not importable")
Page, sync_playwright = sync_api.Page, sync_api.sync_playwright
pytestmark = [pytest.mark.browser, pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is absent")]

# slug -> the text that article holds; each query below must find its article.
DOCS = {
    "hamza": "خيبة و إحباط كبير", "madda": "في اخر الليل", "alif-maqsura": "قال مصطفي", "ya": "النبي موسى",
    "taa": "بناء مدرسه جديدة", "tashkeel": "طائرة مُسَيَّرَة", "tatweel": "رسالة ســلام", "digits": "في عام ٢٠١٩",
    "latin-digits": "منذ 1990", "wal": "قالت والمعارضة", "fal": "فالانتخابات مؤجلة", "wabal": "وبالاتفاق تم",
    "wakal": "وكالمعتاد تأخر", "walil": "وللمقاومة رأي", "falil": "فللشعب كلمة", "ba-alef": "باغتيال القائد",
    "lam-alef": "لإيران نفوذ", "waw-alef": "وأمريكا تراقب", "fa-alef": "فإسرائيل ترد", "wab-alef": "وبإمكان الجميع",
    "wal-alef": "ولأوروبا موقف", "kaf-alef": "كإنسان حر", "lam": "رسالة لحكومة العراق", "wa-lam": "ولمنظمة الصحة",
    "beirut": "مدينة بيروت", "lebanon": "جبل لبنان", "palestine": "أرض فلسطين", "kitab": "قرأت كتاب",
    "taba": "ثم تاب الرجل", "banan": "أشار بنان يده",
}
MATRIX = [  # (query, slug that must be among the results)
    ("احباط", "hamza"), ("أحباط", "hamza"), ("آخر", "madda"), ("مصطفى", "alif-maqsura"), ("موسي", "ya"),
    ("مدرسة", "taa"), ("مسيرة", "tashkeel"), ("مسيّرة", "tashkeel"), ("سلام", "tatweel"), ("ســلام", "tatweel"),
    ("2019", "digits"), ("١٩٩٠", "latin-digits"), ("المعارضة", "wal"), ("معارضة", "wal"), ("انتخابات", "fal"),
    ("الاتفاق", "wabal"), ("المعتاد", "wakal"), ("مقاومة", "walil"), ("الشعب", "falil"), ("اغتيال", "ba-alef"),
    ("إيران", "lam-alef"), ("ايران", "lam-alef"), ("أمريكا", "waw-alef"), ("إسرائيل", "fa-alef"),
    ("إمكان", "wab-alef"), ("أوروبا", "wal-alef"), ("إنسان", "kaf-alef"), ("حكومة", "lam"), ("منظمة", "wa-lam"),
    ("parliament", "english"), ("Budget", "english"), ("البرلمان", "arabic-of-english"),
]
ONLY = [  # (query, the exact set of slugs it may find)
    ("بيروت", {"beirut"}), ("لبنان", {"lebanon"}), ("فلسطين", {"palestine"}), ("كتاب", {"kitab"}),
    ("تاب", {"taba"}), ("بنان", {"banan"}),
    ("11", set()),  # every article is dated on the 11th: dates are shown, never searched
]
AUTHORS = {"report-a": ("سارة", "سياسة"), "report-b": ("حازم", "اقتصاد"), "report-c": ("سارة", "اقتصاد")}


def _files() -> dict[str, str]:
    files = {f"content/articles/{slug}.md": article(f"مقال {slug}", text, date=f"2020-{1 + i % 12:02d}-11", authors=["كاتب"])
             for i, (slug, text) in enumerate(DOCS.items())}  # fmt: skip
    files["content/articles/english.md"] = article(
        "The budget vote", "Parliament approved the budget on Tuesday.", lang="en", date="2021-11-11", authors=["John Smith"]
    )
    files["content/articles/arabic-of-english.md"] = article("جلسة البرلمان", "صوّت البرلمان.", date="2021-11-12")
    for slug, (author, topic) in AUTHORS.items():
        files[f"content/articles/{slug}.md"] = article(f"تقرير {slug}", "تقرير عن الوضع", authors=[author], topics=[topic], date="2022-11-11")
    files["content/articles/report-undated.md"] = article("تقرير بلا تاريخ", "تقرير قديم")
    files["content/articles/report-old.md"] = article("تقرير قديم", "تقرير عن الوضع", date="2020-01-02")
    return files


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("search-site")
    (root / "site.yml").write_text(SITE_YML, encoding="utf-8")
    site = Site(root).write(_files())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shards, "SHARD_SIZE", 10)
        report = site.build()
    assert report.search is not None and report.search.shards == 7
    return site


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator:
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def server(site: Site) -> Iterator[str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site.out)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/search/"
    httpd.shutdown()


@pytest.fixture(scope="module", params=["http", "file"])
def page(request: pytest.FixtureRequest, browser, server: str, site: Site) -> Iterator[Page]:
    url = server if request.param == "http" else (site.out / "search/index.html").as_uri()
    tab = browser.new_page()
    tab.errors = []  # type: ignore[attr-defined]
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))  # type: ignore[attr-defined]
    tab.on("request", lambda r: r.url.startswith(("http://127.0.0.1", "file:", "data:")) or tab.errors.append(r.url))  # type: ignore[attr-defined]
    tab.goto(url)
    tab.wait_for_selector("#search[data-state=done]")
    assert tab.get_attribute("#search", "data-engine") == ("pagefind" if request.param == "http" else "offline")
    tab.mode = request.param  # type: ignore[attr-defined]
    tab.base = url  # type: ignore[attr-defined]
    yield tab
    tab.close()


def found(page: Page, query: str, **filters: str) -> list[str]:
    page.evaluate("s => window.sitegenSearch.run(s)", {"q": query, "author": "", "topic": "", "year": "", **filters})
    hrefs = page.eval_on_selector_all("#search-list a", "links => links.map(a => a.href)")
    return [re.search(r"/articles/([^/]+)/", unquote(h)).group(1) for h in hrefs]


@pytest.mark.parametrize(("query", "slug"), MATRIX)
def test_each_spelling_finds_the_other(page: Page, query: str, slug: str) -> None:
    assert slug in found(page, query)
    assert not page.errors  # type: ignore[attr-defined]


@pytest.mark.parametrize(("query", "slugs"), ONLY)
def test_no_false_hits(page: Page, query: str, slugs: set[str]) -> None:
    assert set(found(page, query)) == slugs


def test_filter_by_author_and_by_topic(page: Page) -> None:
    assert set(found(page, "تقرير")) == set(AUTHORS) | {"report-undated", "report-old"}
    assert set(found(page, "تقرير", author="سارة")) == {"report-a", "report-c"}
    assert set(found(page, "تقرير", topic="اقتصاد")) == {"report-b", "report-c"}
    assert set(found(page, "تقرير", author="سارة", topic="اقتصاد")) == {"report-c"}


def test_sorted_by_date_newest_first_across_shards(page: Page) -> None:
    # Four shards hold these: 2022, 2020's first months, and the undated one (shown last).
    ordered = found(page, "تقرير", sort="date")
    assert ordered[-2:] == ["report-old", "report-undated"]
    assert set(ordered[:3]) == set(AUTHORS)


def test_facets_show_counts_and_filter_from_the_keyboard(page: Page) -> None:
    page.goto(page.base + "?q=" + quote("تقرير"))  # type: ignore[attr-defined]
    page.wait_for_selector("#search[data-state=done]")
    authors = page.inner_text("[data-facet=author]")
    assert "سارة (2)" in authors and "حازم (1)" in authors
    assert "2022 (3)" in page.inner_text("[data-facet=year]")
    page.focus("[data-facet=topic] button[data-value='سياسة']")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#search-list li').length === 1")
    assert "topic=" in page.url
    assert page.get_attribute("[data-facet=topic] button[data-value='سياسة']", "aria-pressed") == "true"


def test_results_show_title_date_authors_and_a_marked_excerpt(page: Page) -> None:
    found(page, "بيروت")
    hit = page.query_selector(".search-hit")
    assert hit.inner_text().count("مقال") == 1
    assert "11" in hit.query_selector(".date").inner_text()
    assert hit.query_selector(".authors").inner_text() == "كاتب"
    assert hit.query_selector(".excerpt mark").inner_text() == "بيروت"


@pytest.mark.parametrize(("query", "slug", "marked"), [("المعارضة", "wal", "والمعارضة"), ("اغتيال", "ba-alef", "باغتيال"), ("حكومة", "lam", "لحكومة")])
def test_a_match_through_a_clitic_is_marked_as_written(page: Page, query: str, slug: str, marked: str) -> None:
    # Pagefind finds these only through the hidden clitic field, which has no excerpt of its own.
    assert found(page, query) == [slug]
    assert page.eval_on_selector_all(".excerpt mark", "marks => marks.map(m => m.textContent)") == [marked]


def test_result_links_open_the_article(page: Page) -> None:
    found(page, "بيروت")
    with page.expect_navigation():
        page.click("#search-list a")
    assert "مدينة بيروت" in page.inner_text("main")
    if page.mode == "file":  # type: ignore[attr-defined]
        assert page.url.endswith("/articles/beirut/index.html")
    page.go_back()
    page.wait_for_selector("#search[data-state=done]")


def test_query_in_the_url_and_the_back_button(page: Page) -> None:
    page.goto(page.base)  # type: ignore[attr-defined]
    page.wait_for_selector("#search[data-state=done]")
    for query in ("بيروت", "لبنان"):
        page.fill("#search-q", query)
        page.press("#search-q", "Enter")
        page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=query)
        page.wait_for_selector("#search[data-state=done]")
    page.go_back()
    page.wait_for_function("() => document.getElementById('search-q').value === 'بيروت'")
    page.wait_for_selector("#search[data-state=done]")
    assert "beirut" in page.eval_on_selector("#search-list a", "a => decodeURI(a.href)")


def test_header_search_box_leads_to_the_results(page: Page) -> None:
    page.goto(page.base.replace("search/index.html", "index.html").replace("search/", ""))  # type: ignore[attr-defined]
    page.fill("#site-search-q", "فلسطين")
    with page.expect_navigation():
        page.press("#site-search-q", "Enter")
    page.wait_for_selector("#search[data-state=done]")
    assert "palestine" in page.eval_on_selector("#search-list a", "a => decodeURI(a.href)")


@pytest.mark.parametrize("query", ["", " ", "ب" * 2000, "؟!،. ...", "<script>window.__pwned=1</script>", '"><img src=x onerror="window.__pwned=1">'])
def test_bad_queries_neither_fail_nor_inject(page: Page, query: str) -> None:
    page.goto(page.base + "?q=" + quote(query))  # type: ignore[attr-defined]
    page.wait_for_selector("#search[data-state=done]", timeout=10_000)
    assert page.inner_text("#search-status").strip()
    assert page.evaluate("() => window.__pwned") is None
    assert page.query_selector("#search-list script, #search-list img, #search-status *") is None
    assert not page.errors  # type: ignore[attr-defined]


def test_python_and_js_normalise_alike(page: Page) -> None:
    words = [w for w, _ in KEY_CASES]
    queries = ["مصطفى", "  «الحكـومة»!! ", "\u202bبيروت\u202c", "؟!،.", "مُسَيَّرَة", "والحكومة لإيران 2019", "كلمة " * 400]
    js = page.evaluate(
        "([ws, qs]) => [ws.map(SitegenNormalize.key), qs.map(SitegenNormalize.queryText), qs.map(SitegenNormalize.queryKeys)]",
        [words, queries],
    )
    from sitegen.search.normalize import key

    assert js == [[key(w) for w in words], [query_text(q) for q in queries], [query_keys(q) for q in queries]]
