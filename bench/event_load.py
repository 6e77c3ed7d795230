"""A lean closed-loop HTTP client for the scale-out suite: one thread, non-blocking sockets and
``select.epoll``, the request bytes built once, a per-request round robin over the servers.

Why not :func:`bench.http_load.load`: its threads spend about 0.35 ms of CPU per request in
``http.client`` and the GIL, a fifth of what the module page costs the server. On a 2-core
machine that CPU comes out of the second server's core, so the client, not the servers, set
the ceiling on the scale-out ratio (and one server was left idle between requests). This
client costs a small fraction of that, prints what it cost (``client_ms_per_request``), and
checks every response: status, and the body's length against ``Content-Length``.

gunicorn's sync workers close the connection after each response, so each request opens a
connection (``Connection: close`` is sent too, so a keep-alive server behaves the same way).
"""

from __future__ import annotations

import errno
import resource
import select
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.http_load import CLIENT_THREADS, DURATION, WARMUP, LoadResult, Server

READ_SIZE = 256 * 1024


def _request_bytes(port: int, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def check_response(raw: bytes) -> str:
    """'' for a complete 2xx response, else what is wrong with it."""
    head, separator, body = raw.partition(b"\r\n\r\n")
    if not separator:
        return f"incomplete response ({len(raw)} bytes)"
    status_line, *header_lines = head.split(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return f"bad status line {status_line[:60]!r}"
    status = int(parts[1])
    if not 200 <= status < 300:
        return f"HTTP {status}"
    for line in header_lines:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and int(value) != len(body):
            return f"body of {len(body)} bytes, Content-Length {int(value)}"
    return ""


@dataclass
class _Exchange:
    """One request in flight: its socket, its server and what has come back."""

    sock: socket.socket
    target: int
    received: list[bytes] = field(default_factory=list)
    sent: bool = False


def load(
    servers: Sequence[Server],
    path: str,
    headers: dict[str, str] | None = None,
    *,
    seconds: float | None = None,
    clients: int | None = None,
    warmup: float | None = None,
) -> tuple[LoadResult, float]:
    """Keep ``clients`` requests in flight on ``path``, each new one to the next server.

    Returns the result (as :func:`bench.http_load.load` does) and this client's own CPU
    milliseconds per counted request.
    """
    duration = seconds or DURATION
    in_flight = clients or CLIENT_THREADS
    requests = [_request_bytes(s.port, path, headers or {}) for s in servers]
    poller = select.epoll()
    exchanges: dict[int, _Exchange] = {}
    counts = [0] * len(servers)
    errors: list[str] = []
    turn = 0
    start_counting = time.monotonic() + (WARMUP if warmup is None else warmup)
    stop_at = start_counting + duration

    def start() -> None:
        nonlocal turn
        target = turn % len(servers)
        turn += 1
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        code = sock.connect_ex(("127.0.0.1", servers[target].port))
        if code not in (0, errno.EINPROGRESS):
            errors.append(f"{path} on :{servers[target].port}: {errno.errorcode.get(code)}")
            sock.close()
            return
        exchanges[sock.fileno()] = _Exchange(sock, target)
        poller.register(sock.fileno(), select.EPOLLOUT)

    def finish(fd: int, exchange: _Exchange, error: str, counted: bool) -> None:
        poller.unregister(fd)
        exchange.sock.close()
        del exchanges[fd]
        if error:
            errors.append(f"{path} on :{servers[exchange.target].port}: {error}")
        elif counted:
            counts[exchange.target] += 1

    for _ in range(in_flight):
        start()
    cpu_before = client_before = 0.0
    counting = False
    while True:
        now = time.monotonic()
        if not counting and now >= start_counting:
            counting = True
            cpu_before = sum(s.cpu_seconds() for s in servers)
            client_before = _own_cpu()
        if now >= stop_at:
            break
        for fd, _events in poller.poll(0.05):
            exchange = exchanges[fd]
            if not exchange.sent:
                code = exchange.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code:
                    finish(fd, exchange, errno.errorcode.get(code, str(code)), counting)
                else:
                    exchange.sock.send(requests[exchange.target])
                    exchange.sent = True
                    poller.modify(fd, select.EPOLLIN)
                    continue
            else:
                try:
                    chunk = exchange.sock.recv(READ_SIZE)
                except OSError as exc:
                    finish(fd, exchange, repr(exc), counting)
                else:
                    if chunk:
                        exchange.received.append(chunk)
                        continue
                    finish(fd, exchange, check_response(b"".join(exchange.received)), counting)
            start()
    cpu_after = sum(s.cpu_seconds() for s in servers)
    client_cpu = _own_cpu() - client_before
    for exchange in exchanges.values():
        exchange.sock.close()
    poller.close()
    total = sum(counts)
    result = LoadResult(
        requests_per_s=total / duration,
        cpu_ms_per_request=1000 * (cpu_after - cpu_before) / total if total else float("nan"),
        requests=total,
        errors=errors,
        per_server=counts,
    )
    return result, (1000 * client_cpu / total if total else float("nan"))


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
