"""Serve a built site on 127.0.0.1 (Pagefind search needs HTTP, not file://)."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path
from typing import ClassVar

from eprep.errors import EprepError


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".json": "application/json",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request would drown the URL the learner needs


def make_server(folder: Path, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """An HTTP server for `folder` bound to 127.0.0.1:`port` (0 picks a free port)."""
    if not (folder / "index.html").is_file():
        raise EprepError(f"{folder}: no built site here (run `eprep site build` first)")
    handler = functools.partial(_Handler, directory=str(folder))
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise EprepError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}") from None
