"""What the headless-Chromium test modules share: the browser, its skip marks, a server
that publishes public/ under a sub-path like GitHub Pages, and a page that records
every request, console error and failure.

Plain functions and context managers: each module keeps its own fixtures and scope.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

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


def marks() -> list[pytest.MarkDecorator]:
    """A module's `pytestmark`: the browser mark, skipped where Playwright or Chromium is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the machine
        return [pytest.mark.browser, pytest.mark.skip(reason=f"playwright for Python is not importable: {exc}")]
    return [pytest.mark.browser, pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason=f"{CHROMIUM} is absent; run `make browser`")]


@contextmanager
def launch() -> Iterator[Browser]:
    """Debian's Chromium, headless. Build sites before this: Playwright's sync API keeps an
    asyncio loop running in this thread, and the build may use asyncio.run (the search index)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Server:
    origin: str
    base: str  # the sub-path public/ is served under, "/x/"
    served: list[tuple[str, int]] = field(default_factory=list)  # (path, status), in order

    def url(self, path: str) -> str:
        return self.origin + quote(self.base + path)


@contextmanager
def serve(public: Path, base: str) -> Iterator[Server]:
    """Serve public/ at http://127.0.0.1:PORT{base}, answering misses with 404.html as GitHub Pages does.

    The document root holds only the link base -> public/, so anything outside the base path 404s.
    """
    www = public.parent / f"www-{base.strip('/')}"
    www.mkdir(exist_ok=True)
    mount = www / base.strip("/")
    if not mount.exists():
        mount.symlink_to(public, target_is_directory=True)
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
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", base, record)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@dataclass
class Tab:
    """One page and everything it did since the last `clear()`."""

    page: Page
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # aborted: outside the allowed prefixes
    failed: list[str] = field(default_factory=list)  # requests that got no response at all
    bad_status: list[tuple[str, int]] = field(default_factory=list)  # responses >= 400
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def clear(self) -> None:
        for log in (self.requests, self.foreign, self.failed, self.bad_status, self.console_errors, self.page_errors):
            log.clear()


@contextmanager
def tab(browser: Browser, allowed: tuple[str, ...], width: int = 1280, height: int = 900, block: bool = True) -> Iterator[Tab]:
    """A page in a fresh context; requests not starting with an allowed prefix are recorded in
    `foreign` and, with `block`, aborted. Routing every request costs ~40% per page load, so
    long crawls, which fail on any foreign request anyway, may only watch."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    seen = Tab(page)
    allowed = (*allowed, "data:", "blob:")

    def guard(route: Route) -> None:
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            seen.foreign.append(route.request.url)
            route.abort()

    if block:
        context.route("**/*", guard)
    else:
        page.on("request", lambda request: request.url.startswith(allowed) or seen.foreign.append(request.url))
    page.on("request", lambda request: seen.requests.append(request.url))
    # ERR_ABORTED is a cancel, not a failure: the icon still loading when the next page is opened.
    page.on(
        "requestfailed",
        lambda request: request.url in seen.foreign
        or request.failure == "net::ERR_ABORTED"
        or seen.failed.append(f"{request.url}: {request.failure}"),
    )
    page.on("response", lambda response: response.status >= 400 and seen.bad_status.append((response.url, response.status)))
    page.on("console", lambda msg: seen.console_errors.append(f"{msg.text} @ {msg.location}") if msg.type == "error" else None)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    try:
        yield seen
    finally:
        context.close()
