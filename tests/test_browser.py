"""The built site in headless Chromium: RTL layout, offline font, no foreign requests,
an English article inside the Arabic site, phone width, dark mode, keyboard, screenshots.

One browser and one built site serve the whole module, so it stays fast.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from browser_support import Server, Tab, launch, marks, serve, tab
from conftest import SITE_YML, Site, article

pytestmark = marks()

# SITE_YML publishes under https://example.org/archive/; serving the same sub-path, as
# GitHub Pages would, is what makes relative and root-relative links really exercised.
BASE = "/archive/"
AR_FILE = "مسيرات-الكاظمي"
AR_TITLE = (
    "مسيّرات على منزل مصطفى الكاظمي: كيف تحوّلت الميليشيات الموالية لإيران "
    "إلى لاعب يهدّد الدولة العراقية من داخلها"
)
AR_BODY = """
    استهدفت ثلاث طائرات مسيّرة منزل رئيس الوزراء العراقي مصطفى الكاظمي (Mustafa al-Kadhimi) فجر الأحد.

    > الرسالة وصلت، والدولة هي المستهدفة قبل الرجل.

    وقال مسؤول أمني إن 2 من الطائرات أُسقطتا قبل بلوغ الهدف، فيما أصابت الثالثة المبنى.

    ## ما الذي تغيّر؟

    منذ عام 2019 والفصائل تراكم سلاحها خارج سلطة الدولة، وتختبر حدودها مرة بعد مرة.
"""
FILES = {
    "content/authors/hazem.yml": "name: حازم الأمين\nbio: صحافي وكاتب لبناني، يكتب في شؤون العراق والمنطقة.\n",
    "content/topics/iraq.yml": "name: العراق\ndescription: كل ما يخص العراق\n",
    f"content/articles/{AR_FILE}.md": article(
        AR_TITLE,
        AR_BODY,
        date="2021-11-07T09:00:00+03:00",
        authors=["hazem"],
        topics=["العراق", "إيران"],
        summary="محاولة الاغتيال بالمسيّرات تكشف حجم السلاح المنفلت في العراق.",
        source_url="https://daraj.media/%d9%85%d8%b3%d9%8a%d8%b1%d8%a7%d8%aa-%d8%b9%d9%84%d9%89-%d9%85%d9%86%d8%b2%d9%84-%d8%a7%d9%84%d9%83%d8%a7%d8%b8%d9%85%d9%8a/",
    ),
    "content/articles/english.md": article(
        "Drones over Baghdad: what the attack on the prime minister means",
        "Three drones targeted the residence of Mustafa al-Kadhimi (مصطفى الكاظمي) early on Sunday.",
        date="2021-11-08",
        lang="en",
        authors=["Jane Doe"],
        topics=["iraq"],
    ),
    # The oldest article: with it, the Arabic one has both neighbours and each end has one.
    "content/articles/older.md": article("الفصائل والدولة", "منذ عام 2019 والفصائل تراكم سلاحها.", date="2021-11-01", authors=["hazem"]),
}
AR_PATH = f"articles/{AR_FILE}/"
OLDER_PATH = "articles/older/"
EN_PATH = "articles/english/"


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser-site")
    (root / "site.yml").write_text(SITE_YML, encoding="utf-8")
    site = Site(root).write(FILES)
    site.build()
    return site.out


@pytest.fixture(scope="module")
def server(public: Path) -> Iterator[Server]:
    with serve(public, BASE) as running:
        yield running


@pytest.fixture(scope="module")
def browser(public: Path) -> Iterator:
    with launch() as chromium:  # after `public`: the site is built before Playwright starts
        yield chromium


@pytest.fixture(scope="module")
def page_tab(browser, server: Server) -> Iterator[Tab]:
    """One page for the module (a new context costs ~0.5 s here); `visit` resets it per test."""
    with tab(browser, (server.origin + "/", "file:")) as seen:
        yield seen


@pytest.fixture
def visit(page_tab: Tab) -> Callable[..., Tab]:
    """Load a URL at a viewport and colour scheme; every request is recorded, foreign ones aborted."""

    def open_(url: str, width: int = 1280, height: int = 900, color_scheme: str = "light") -> Tab:
        page_tab.clear()
        page_tab.page.set_viewport_size({"width": width, "height": height})
        page_tab.page.emulate_media(color_scheme=color_scheme)
        page_tab.page.goto(url, wait_until="load")
        page_tab.page.evaluate("document.fonts.ready.then(() => true)")
        return page_tab

    return open_


def luminance(css_color: str) -> float:
    """WCAG relative luminance of an `rgb()`/`rgba()` computed colour."""
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css_color)[:3])

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# Line boxes of an element's text, merged per line, and the content box of <main>.
TEXT_LINES = """(selector) => {
  const el = document.querySelector(selector);
  const range = document.createRange();
  range.selectNodeContents(el);
  const lines = [];
  for (const r of range.getClientRects()) {
    if (r.width < 1) continue;
    const line = lines.find(l => Math.abs(l.top - r.top) < r.height / 2);
    if (line) { line.left = Math.min(line.left, r.left); line.right = Math.max(line.right, r.right); }
    else lines.push({top: r.top, left: r.left, right: r.right});
  }
  const main = document.querySelector('main');
  const box = main.getBoundingClientRect(), style = getComputedStyle(main);
  return {
    lines,
    direction: getComputedStyle(el).direction,
    column: {left: box.left + parseFloat(style.paddingLeft), right: box.right - parseFloat(style.paddingRight)},
    width: document.documentElement.clientWidth,
  };
}"""


def test_arabic_article_is_right_to_left_and_the_title_starts_at_the_right_edge(visit, server) -> None:
    seen = visit(server.url(AR_PATH))
    page = seen.page
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    geometry = page.evaluate(TEXT_LINES, "h1")
    assert geometry["direction"] == "rtl"
    lines, column = geometry["lines"], geometry["column"]
    # A title long enough to wrap: only the short last line tells RTL from a full LTR line.
    assert len(lines) >= 2, f"title did not wrap at 1280px: {lines}"
    for line in lines:
        assert abs(line["right"] - column["right"]) <= 3, f"a title line does not start at the right edge: {line} {column}"
    assert lines[0]["right"] > geometry["width"] / 2 + 200
    assert lines[-1]["left"] > column["left"] + 40, "the last line spans the column, so the test proves nothing"


def test_no_console_errors_and_no_request_outside_the_site(visit, server) -> None:
    pages = [AR_PATH, EN_PATH, "", "authors/", "authors/hazem/", "topics/", "topics/iraq/", "archive/", "404.html"]
    first = len(server.served)
    for path in pages:
        seen = visit(server.url(path))
        assert seen.console_errors == [], path
        assert seen.page_errors == [], path
        assert seen.foreign == [], path
        local = [u for u in seen.requests if u.startswith(server.origin)]
        assert any(u.endswith("/static/css/site.css") for u in local), f"{path}: stylesheet never requested"
        assert len(local) == len(seen.requests)
    failed = [(p, status) for p, status in server.served[first:] if status >= 400]  # the icon link spares /favicon.ico
    assert failed == []


def test_vendored_font_loads_from_the_site(visit, server) -> None:
    seen = visit(server.url(AR_PATH))
    fonts = seen.page.evaluate(
        """async () => {
          await document.fonts.ready;
          const faces = [...document.fonts].filter(f => f.family.replace(/["']/g, '') === 'Noto Naskh Arabic');
          return {
            check: document.fonts.check('16px "Noto Naskh Arabic"', 'عربي'),
            loaded: faces.filter(f => f.status === 'loaded').map(f => f.weight),
            family: getComputedStyle(document.querySelector('.article-body p')).fontFamily,
          };
        }"""
    )
    assert fonts["check"] is True
    assert "400" in fonts["loaded"] or "normal" in fonts["loaded"], fonts
    assert fonts["family"].startswith('"Noto Naskh Arabic"')
    woff2 = [u for u in seen.requests if u.endswith(".woff2")]
    assert woff2 and all(u.startswith(server.origin + BASE + "static/fonts/") for u in woff2)
    assert any(path.endswith("NotoNaskhArabic-Regular.woff2") and status == 200 for path, status in server.served)


def test_english_article_is_left_to_right_inside_the_arabic_site(visit, server) -> None:
    page = visit(server.url(EN_PATH)).page
    html = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
    assert html == ["en", "ltr"]
    chrome = page.evaluate(
        """() => {
          const header = document.querySelector('header.site-header');
          const nav = header.querySelector('nav');
          return {
            dir: header.getAttribute('dir'),
            nav: getComputedStyle(nav).direction,
            skip: getComputedStyle(document.querySelector('.skip-link')).direction,
            titleRight: header.querySelector('.site-title').getBoundingClientRect().right,
            navRight: nav.getBoundingClientRect().right,
          };
        }"""
    )
    assert chrome["dir"] == "rtl" and chrome["nav"] == "rtl" and chrome["skip"] == "rtl"
    assert chrome["titleRight"] > chrome["navRight"], "the site title should sit at the right of the Arabic header"
    geometry = page.evaluate(TEXT_LINES, "h1")
    assert geometry["direction"] == "ltr"
    for line in geometry["lines"]:
        assert abs(line["left"] - geometry["column"]["left"]) <= 3, f"an English title line does not start at the left: {line}"


@pytest.mark.parametrize("path", [AR_PATH, EN_PATH, "", "authors/hazem/"])
def test_no_horizontal_scroll_at_360px(visit, server, path) -> None:
    page = visit(server.url(path), width=360, height=740).page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path or 'home'} is {width}px wide at a 360px viewport"


def test_dark_mode_follows_the_system(visit, server) -> None:
    effective_background = """() => {
      for (const el of [document.body, document.documentElement]) {
        const c = getComputedStyle(el).backgroundColor;
        if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
      }
      return null;
    }"""
    schemes = {}
    for scheme in ("light", "dark"):
        page = visit(server.url(AR_PATH), color_scheme=scheme).page
        background = page.evaluate(effective_background)
        assert background is not None, "the theme sets no page background"
        text = page.evaluate("getComputedStyle(document.querySelector('.article-body p')).color")
        schemes[scheme] = (luminance(background), luminance(text))
    assert schemes["light"][0] > 0.8
    assert schemes["dark"][0] < 0.05
    assert schemes["dark"][1] > 0.6, "dark mode text must stay light on the dark background"


def test_tab_first_focuses_a_visible_skip_link(visit, server) -> None:
    page = visit(server.url(AR_PATH)).page
    where = "() => { const r = document.querySelector('.skip-link').getBoundingClientRect(); return [r.top, r.bottom, r.left, r.right]; }"
    top, bottom, _, _ = page.evaluate(where)
    assert bottom <= 0, "the skip link should be off-screen until focused"
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip-link", "#main"]
    top, bottom, left, right = page.evaluate(where)
    assert 0 <= top < bottom <= 900 and 0 <= left < right <= 1280
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_screenshots_are_saved(visit, server, tmp_path: Path) -> None:
    wide = visit(server.url(AR_PATH)).page
    wide.screenshot(path=tmp_path / "article.png", full_page=True)
    phone = visit(server.url(AR_PATH), width=360, height=740).page
    phone.screenshot(path=tmp_path / "article-360.png", full_page=True)
    english = visit(server.url(EN_PATH), color_scheme="dark").page
    english.screenshot(path=tmp_path / "english-dark.png", full_page=True)
    assert png_size(tmp_path / "article.png")[0] == 1280
    width, height = png_size(tmp_path / "article-360.png")
    assert width == 360 and height > 740  # full page: the article is longer than one phone screen
    assert png_size(tmp_path / "english-dark.png")[0] == 1280
    for name in ("article.png", "article-360.png", "english-dark.png"):
        assert (tmp_path / name).stat().st_size > 10_000


def test_article_opened_from_file_renders_with_its_stylesheet(visit, public) -> None:
    seen = visit((public / AR_PATH / "index.html").as_uri())
    page = seen.page
    assert page.url.startswith("file://")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Naskh Arabic" in family
    assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).position") == "absolute"
    # Offline means the vendored font too, not only the CSS.
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/[\"']/g, ''))")
    assert "Noto Naskh Arabic" in loaded
    assert seen.console_errors == []
    assert seen.page_errors == []
    assert seen.foreign == []


def test_404_page_is_styled_at_any_depth(visit, server) -> None:
    # GitHub Pages answers any missing path with 404.html, so its links cannot be relative.
    seen = visit(server.url("articles/no/such/page/"))
    page = seen.page
    assert page.evaluate("document.querySelector('h1').textContent") == "الصفحة غير موجودة"
    assert "Noto Naskh Arabic" in page.evaluate("getComputedStyle(document.body).fontFamily")
    home = page.evaluate("document.querySelector('.site-title').href")
    assert home == server.origin + BASE
    assert [e for e in seen.console_errors if "404" not in e] == []  # the page itself is a 404
    assert seen.foreign == []


RECTS = """(selectors) => Object.fromEntries(selectors.map(s => {
  const el = document.querySelector(s);
  if (!el) return [s, null];
  const r = el.getBoundingClientRect(), st = getComputedStyle(el);
  return [s, {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
              innerLeft: r.left + parseFloat(st.paddingLeft), innerRight: r.right - parseFloat(st.paddingRight)}];
}))"""


def near(a: float, b: float, slack: float = 2) -> bool:
    return abs(a - b) <= slack


def test_source_link_shows_the_decoded_address_and_keeps_the_encoded_href(visit, server) -> None:
    page = visit(server.url(AR_PATH), width=360, height=740).page
    source = FILES[f"content/articles/{AR_FILE}.md"].split("source_url: ")[1].split("\n")[0]
    link = page.evaluate("(() => { const a = document.querySelector('.source a'); return [a.getAttribute('href'), a.textContent]; })()")
    assert link[0] == source, "the href must stay the exact encoded URL"
    # A reader sees the Arabic slug, not %d9%85%d8%b3…
    assert link[1] == unquote(source) and "%" not in link[1]
    # Decoded, it is short enough to stay inside the column at phone width.
    boxes = page.evaluate(RECTS, [".source a", ".article"])
    assert boxes[".source a"]["left"] >= boxes[".article"]["left"] - 1 and boxes[".source a"]["right"] <= boxes[".article"]["right"] + 1


def prev_next(page) -> dict:
    return page.evaluate(RECTS, [".article", ".prev-next", ".prev-next .older", ".prev-next .newer", ".older .label", ".newer .label"])


def test_previous_article_is_at_the_right_and_next_at_the_left_in_arabic(visit, server) -> None:
    # Arabic reads right to left: السابق (older) at the start, التالي (newer) at the end, as the pagination does.
    boxes = prev_next(visit(server.url(AR_PATH)).page)
    older, newer, column = boxes[".prev-next .older"], boxes[".prev-next .newer"], boxes[".prev-next"]
    assert older["left"] > newer["right"], "the previous article should sit to the right of the next one"
    assert near(older["right"], column["right"]) and near(newer["left"], column["left"])
    assert near(older["top"], newer["top"]), "side by side at 1280px"
    # Each label hugs the outer edge of its box: right for السابق, left for التالي.
    assert near(boxes[".older .label"]["right"], older["innerRight"])
    assert near(boxes[".newer .label"]["left"], newer["innerLeft"])


def test_a_lone_previous_or_next_link_keeps_its_side(visit, server) -> None:
    # The oldest article has only a next link: it stays in the left (end) half, aligned left.
    boxes = prev_next(visit(server.url(OLDER_PATH)).page)
    assert boxes[".prev-next .older"] is None
    newer, column = boxes[".prev-next .newer"], boxes[".prev-next"]
    assert near(newer["left"], column["left"]) and newer["right"] < (column["left"] + column["right"]) / 2
    assert near(boxes[".newer .label"]["left"], newer["innerLeft"])
    # The newest (English) article has only a previous link: right half, aligned right.
    boxes = prev_next(visit(server.url(EN_PATH)).page)
    assert boxes[".prev-next .newer"] is None
    older, column = boxes[".prev-next .older"], boxes[".prev-next"]
    assert near(older["right"], column["right"]) and older["left"] > (column["left"] + column["right"]) / 2
    assert near(boxes[".older .label"]["right"], older["innerRight"])


def test_related_and_prev_next_line_up_with_an_english_article(visit, server) -> None:
    # The blocks after the article are Arabic (right to left) but must share the English
    # article's column: same left and right edges, not pushed to the right of main.
    boxes = visit(server.url(EN_PATH)).page.evaluate(RECTS, [".article", ".related", ".prev-next"])
    article_box = boxes[".article"]
    for block in (".related", ".prev-next"):
        assert near(boxes[block]["left"], article_box["left"]) and near(boxes[block]["right"], article_box["right"]), (block, boxes)


@pytest.mark.parametrize("path", ["", EN_PATH])
def test_header_search_form_fits_at_360px(visit, server, path) -> None:
    page = visit(server.url(path), width=360, height=740).page
    boxes = page.evaluate(RECTS, [".site-header", ".site-search", ".site-search input", ".site-search button"])
    header, form = boxes[".site-header"], boxes[".site-search"]
    field, button = boxes[".site-search input"], boxes[".site-search button"]
    for part in (form, field, button):
        assert part["left"] >= header["innerLeft"] - 1 and part["right"] <= header["innerRight"] + 1, boxes
    assert near(field["top"], button["top"], 4), "the button wrapped under the field"
    assert field["width"] >= 150, "the field is too narrow to type a query"


@pytest.mark.parametrize("opened", ["served", "from disk"])
def test_citations_download_from_the_article_page(visit, server, public, opened) -> None:
    url = server.url(AR_PATH) if opened == "served" else (public / AR_PATH / "index.html").as_uri()
    seen = visit(url)
    got = {}
    for label in ("BibTeX", "RIS", "CSL-JSON"):
        with seen.page.expect_download() as started:
            seen.page.click(f'section.cite a:text-is("{label}")')
        download = started.value
        got[download.suggested_filename.rsplit(".", 1)[1]] = (download.suggested_filename, Path(download.path()).read_bytes().decode("utf-8"))
    assert sorted(got) == ["bib", "json", "ris"]
    # An Arabic id makes an ASCII citation key: the year and a hash.
    assert all(re.fullmatch(rf"2021-a[0-9a-f]{{10}}\.{ext}", name) for ext, (name, _) in got.items())
    bib, ris, csl = got["bib"][1], got["ris"][1], json.loads(got["json"][1])
    assert f"title = {{{{{AR_TITLE}}}}}" in bib and "author = {{حازم الأمين}}" in bib
    assert ris.split("\r\n")[:3] == ["TY  - NEWS", "AU  - حازم الأمين", f"TI  - {AR_TITLE}"]
    assert csl[0]["title"] == AR_TITLE and csl[0]["issued"] == {"date-parts": [[2021, 11, 7]]}
    assert seen.console_errors == [] and seen.foreign == []
