"""`eprep site serve` under load and abuse, on 127.0.0.1 only, bounded in count and time."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from eprep.site.serve import make_server


@pytest.fixture
def server(tmp_path: Path):
    (tmp_path / "index.html").write_text("<!doctype html><title>eprep</title>home\n")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "app.js").write_text("console.log(1);\n")
    httpd = make_server(tmp_path, 0, idle_timeout=1.0)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(10)


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_two_hundred_simultaneous_connections_are_all_served(server: int) -> None:
    count = 200
    barrier = threading.Barrier(count, timeout=30)

    def one(_: int) -> int:
        sock = socket.create_connection(("127.0.0.1", server), timeout=20)
        with sock:
            barrier.wait()  # every connection is open before any request is sent
            sock.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        return int(reply.split(b" ", 2)[1])

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=count) as pool:
        statuses = list(pool.map(one, range(count)))
    assert statuses == [200] * count
    assert time.monotonic() - started < 30


def test_an_idle_connection_is_closed_after_the_timeout(server: int) -> None:
    sock = socket.create_connection(("127.0.0.1", server), timeout=10)
    with sock:
        started = time.monotonic()
        assert sock.recv(100) == b""  # the server hung up on a connection that said nothing
        assert time.monotonic() - started < 5
    assert _get(server, "/")[0] == 200  # and still serves others


def test_no_directory_listing(server: int) -> None:
    status, body = _get(server, "/static/")
    assert status == 404 and b"app.js" not in body
    assert _get(server, "/static/app.js")[0] == 200


def test_a_nul_byte_is_a_bad_request_not_a_traceback(server: int, capfd) -> None:
    for path in ("/%00", "/static/%00app.js", "/x%00/../index.html"):
        assert _get(server, path)[0] == 400
    assert _get(server, "/")[0] == 200
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out
