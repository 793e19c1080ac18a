"""`sitegen serve`: the built site on 127.0.0.1 under its base path, rebuilt on change.

A watcher rebuilds when content, templates, static files or site.yml change;
open pages reload through a server-sent event stream. A failed build is shown
in the terminal and as a banner in the page, and the server keeps running on
the last good build (the build itself never replaces public/ on failure).
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from .config import Config, load_config
from .errors import SitegenError

EVENTS = "/__sitegen/events"
_CLIENT = """<script>
(function () {
  var source = new EventSource("%s");
  source.addEventListener("reload", function () { location.reload(); });
})();
</script>"""


class BuildState:
    """The outcome of the latest build, shared by the watcher and the request handlers."""

    def __init__(self) -> None:
        self.version = 0
        self.error = ""
        self.changed = threading.Condition()

    def publish(self, error: str = "") -> None:
        with self.changed:
            self.version += 1
            self.error = error
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen, timeout=timeout)
            return self.version


def rebuild(config_path: Path | None, config: Config, out: Path, state: BuildState, log: Callable[[str], None]) -> None:
    from .build import build

    try:
        current = load_config(config_path) if config_path and config_path.exists() else config
        report = build(current, out, log=log)
    except SitegenError as exc:
        log(f"build failed; still serving the last good build:\n{exc}")
        state.publish(str(exc))
    else:
        log(f"rebuilt: {report.pages} pages in {report.timings['total']:.2f}s")
        state.publish()


def watch_paths(config: Config, config_path: Path | None) -> list[Path]:
    root = config.root
    paths = [root / name for name in ("content", "templates", "static", "themes") if (root / name).exists()]
    if config_path and config_path.exists():
        paths.append(config_path.resolve())
    return paths


def make_handler(out: Path, base: str, state: BuildState) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
            pass  # keep the terminal for build messages

        def translate_path(self, path: str) -> str:
            # Serve public/ at the base path, as GitHub Pages would.
            if path.startswith(base):
                path = "/" + path[len(base) :]
            return super().translate_path(path)

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            if self.path == EVENTS:
                return self._events()
            target = Path(self.translate_path(self.path.split("?", 1)[0]))
            if target.is_dir():
                if not self.path.split("?", 1)[0].endswith("/"):
                    return super().do_GET()  # the stdlib redirects to the slash form
                target = target / "index.html"
            if target.suffix == ".html" and target.is_file():
                return self._page(target)
            if not target.exists() and (out / "404.html").is_file():
                return self._page(out / "404.html", status=404)
            return super().do_GET()

        def _page(self, file: Path, status: int = 200) -> None:
            text = file.read_text(encoding="utf-8")
            extra = _CLIENT % EVENTS
            if state.error:
                extra += (
                    '<pre role="alert" dir="ltr" style="position:fixed;inset-block-end:0;inset-inline:0;margin:0;'
                    'padding:1rem;background:#7a0000;color:#fff;white-space:pre-wrap;z-index:99">'
                    f"{html.escape(state.error)}</pre>"
                )
            body = text.replace("</body>", extra + "</body>", 1).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = state.version
            try:
                while True:
                    now = state.wait(seen, timeout=15)
                    if now != seen:
                        seen = now
                        payload = json.dumps({"error": state.error})
                        self.wfile.write(f"event: reload\ndata: {payload}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def serve(config: Config, out: Path, port: int, config_path: Path | None = None, watch: bool = True) -> int:
    import watchfiles

    out = out.resolve()
    state = BuildState()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    rebuild(config_path, config, out, state, log)
    out.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()

    def watcher() -> None:
        for _changes in watchfiles.watch(*watch_paths(config, config_path), stop_event=stop, debounce=300, step=50):
            rebuild(config_path, config, out, state, log)

    if watch:
        threading.Thread(target=watcher, daemon=True).start()
    handler = functools.partial(make_handler(out, config.base_path, state), directory=str(out))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        server.daemon_threads = True
        print(f"serving {out} at http://127.0.0.1:{server.server_address[1]}{config.base_path} (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
    return 0
