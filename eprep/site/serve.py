"""Serve a built site on 127.0.0.1 (Pagefind search needs HTTP, not file://).

Fit for a local server that a browser hits with many parallel requests: a listen backlog of
`BACKLOG`, a per-connection timeout (an idle connection does not hold its thread for ever), no
directory listings, and no tracebacks: a bad request (a NUL byte in the path) is answered 400.
"""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

from eprep.errors import EprepError

BACKLOG = 256
IDLE_TIMEOUT = 10.0  # seconds a connection may wait between requests or bytes


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the base class declares it an instance variable
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".json": "application/json",
    }
    timeout = IDLE_TIMEOUT  # socket timeout for every read and write of this connection

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request would drown the URL the learner needs

    def list_directory(self, path):
        self.send_error(404, "Not Found")  # a folder without index.html is not a page
        return None

    def send_head(self):
        if "\0" in self.path or "%00" in self.path.lower():
            self.send_error(400, "Bad Request")
            return None
        try:
            return super().send_head()
        except (ValueError, OSError):  # an unusable path: a client error, not a traceback
            self.send_error(400, "Bad Request")
            return None


class _Server(http.server.ThreadingHTTPServer):
    request_queue_size = BACKLOG
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up or times out is routine, not worth a traceback


def make_server(
    folder: Path, port: int = 8000, *, idle_timeout: float = IDLE_TIMEOUT
) -> http.server.ThreadingHTTPServer:
    """An HTTP server for `folder` bound to 127.0.0.1:`port` (0 picks a free port)."""
    if not (folder / "index.html").is_file():
        raise EprepError(f"{folder}: no built site here (run `eprep site build` first)")
    handler = type("_TimedHandler", (_Handler,), {"timeout": idle_timeout})
    try:
        return _Server(("127.0.0.1", port), functools.partial(handler, directory=str(folder)))
    except OSError as error:
        raise EprepError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}") from None
