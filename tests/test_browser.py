"""The built site in headless Chromium: RTL layout, offline font, no foreign requests,
an English article inside the Arabic site, phone width, dark mode, keyboard, screenshots.

One browser and one built site serve the whole module, so it stays fast.
"""

from __future__ import annotations

import functools
import os
import re
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import SITE_YML, Site, article

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

try:
    from playwright.sync_api import Browser, Page, Route, sync_playwright
except ImportError as exc:  # pragma: no cover - depends on the machine
    pytestmark = [pytest.mark.browser, pytest.mark.skip(reason=f"playwright for Python is not importable: {exc}")]
else:
    pytestmark = [
        pytest.mark.browser,
        pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is absent; run `make browser`"),
    ]

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
}
AR_PATH = f"articles/{AR_FILE}/"
EN_PATH = "articles/english/"


@dataclass
class Server:
    origin: str
    served: list[tuple[str, int]] = field(default_factory=list)  # (path, status), in order

    def url(self, path: str) -> str:
        return self.origin + quote(BASE + path)


@dataclass
class Visit:
    page: Page
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser-site")
    (root / "site.yml").write_text(SITE_YML, encoding="utf-8")
    site = Site(root).write(FILES)
    site.build()
    return site.out


@pytest.fixture(scope="module")
def server(public: Path) -> Iterator[Server]:
    # The document root holds only archive/ -> public/, so anything outside the base path 404s.
    www = public.parent / "www"
    www.mkdir()
    (www / BASE.strip("/")).symlink_to(public, target_is_directory=True)
    record: list[tuple[str, int]] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_request(self, code: object = "-", size: object = "-") -> None:
            record.append((self.path, int(getattr(code, "value", code))))

        def log_message(self, *args: object) -> None:
            pass

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            if code != 404 or self.command != "GET":
                return super().send_error(code, message, explain)
            body = (public / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(www)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", record)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser(public: Path) -> Iterator[Browser]:
    # Playwright's sync API keeps an asyncio loop running in this thread, and the build
    # may use asyncio.run (the search index), so the site is built before it starts.
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def tab(browser: Browser, server: Server) -> Iterator[Visit]:
    """One page for the module (a new context costs ~0.5 s here); `visit` resets it per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = Visit(page)

    def guard(route: Route) -> None:
        target = route.request.url
        if target.startswith(server.origin + "/") or target.startswith(("data:", "blob:", "file:")):
            route.continue_()
        else:
            seen.foreign.append(target)
            route.abort()

    context.route("**/*", guard)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda msg: seen.console_errors.append(f"{msg.text} @ {msg.location}") if msg.type == "error" else None)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    try:
        yield seen
    finally:
        context.close()


@pytest.fixture
def visit(tab: Visit) -> Callable[..., Visit]:
    """Load a URL at a viewport and colour scheme; every request is recorded, foreign ones aborted."""

    def open_(url: str, width: int = 1280, height: int = 900, color_scheme: str = "light") -> Visit:
        for log in (tab.requests, tab.foreign, tab.console_errors, tab.page_errors):
            log.clear()
        tab.page.set_viewport_size({"width": width, "height": height})
        tab.page.emulate_media(color_scheme=color_scheme)
        tab.page.goto(url, wait_until="load")
        tab.page.evaluate("document.fonts.ready.then(() => true)")
        return tab

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
    failed = [(p, status) for p, status in server.served[first:] if status >= 400 and not p.endswith("favicon.ico")]
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
