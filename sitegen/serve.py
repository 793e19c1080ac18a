"""A plain local server for the built site, on 127.0.0.1 under the configured base path."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

from .config import Config


def serve(config: Config, out: Path, port: int) -> int:
    base = config.base_path
    root = out.resolve()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            # Serve public/ at the base path, as GitHub Pages would.
            if path.startswith(base):
                path = "/" + path[len(base) :]
            return super().translate_path(path)

    handler = functools.partial(Handler, directory=str(root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"serving {root} at http://127.0.0.1:{port}{base} (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0
