"""The scale-out suite's client (bench/event_load.py) against real loopback HTTP servers:
it spreads requests over the servers in turn and reports every bad response, never counts one."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench import event_load
from bench.http_load import Server

CLIENTS = 4
BODY = b"<p>module</p>" * 500  # 6.5 KB: more than one recv on loopback, sometimes


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == "/short":
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY) + 10))  # promises more than it sends
            self.end_headers()
            self.wfile.write(BODY)
            self.close_connection = True
            return
        if self.path != "/page" or "session=abc" not in self.headers.get("Cookie", ""):
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args: object) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """The client closes what is in flight when its time is up: a broken pipe is expected."""


class _NoProcess:
    pid = -1  # not a process of ours: its CPU reads as zero


@contextmanager
def _server() -> Iterator[Server]:
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Server(httpd.server_address[1], _NoProcess())  # type: ignore[arg-type]
    finally:
        httpd.shutdown()
        httpd.server_close()


def _load(servers: list[Server], path: str) -> event_load.LoadResult:
    result, client_ms = event_load.load(
        servers, path, {"Cookie": "session=abc"}, seconds=0.2, warmup=0.05, clients=CLIENTS
    )
    assert client_ms > 0 or result.requests == 0
    return result


def test_requests_go_to_each_server_in_turn() -> None:
    with _server() as a, _server() as b:
        result = _load([a, b], "/page")
    assert result.errors == []
    assert result.requests > 20
    low, high = sorted(result.per_server)
    # Requests start strictly in turn, so those started inside the window differ by at most
    # one. What is counted is what *finishes* inside it: up to CLIENTS started before it are
    # counted, up to CLIENTS started in it are not, and each set can sit on one server.
    assert high - low <= 2 * CLIENTS + 1


def test_an_error_status_is_reported_and_not_counted() -> None:
    with _server() as a:
        result = _load([a], "/missing")
    assert result.requests == 0
    assert result.errors and all(e.endswith("HTTP 404") for e in result.errors)


def test_a_body_shorter_than_its_content_length_is_an_error() -> None:
    with _server() as a:
        result = _load([a], "/short")
    assert result.requests == 0
    assert result.errors[0].endswith(f"body of {len(BODY)} bytes, Content-Length {len(BODY) + 10}")


def test_a_server_that_is_gone_is_an_error_not_a_crash() -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]  # bound, never listening: connections are refused
        result = _load([Server(port, _NoProcess())], "/page")  # type: ignore[arg-type]
    assert result.requests == 0
    assert "ECONNREFUSED" in result.errors[0]


def test_check_response() -> None:
    assert event_load.check_response(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") == ""
    assert event_load.check_response(b"HTTP/1.1 302 FOUND\r\n\r\n") == "HTTP 302"
    assert event_load.check_response(b"HTTP/1.1 200 OK\r\nContent-Len") == (
        "incomplete response (28 bytes)"
    )
    assert event_load.check_response(b"garbage\r\n\r\n").startswith("bad status line")
