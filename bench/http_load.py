"""A small closed-loop HTTP load generator (keep-alive connections in threads) and a gunicorn
launcher, so every target is served and measured the same way on loopback.

- :func:`serve` starts gunicorn (``BENCH_WORKERS`` sync workers, default 2) and yields a
  :class:`Server`: its port, its worker processes, their memory and the CPU time they used.
- :func:`load` keeps ``BENCH_CLIENTS`` (default 4) keep-alive connections busy for
  ``BENCH_SECONDS`` (default 4) after ``BENCH_WARMUP_SECONDS`` (default 2) of the same load,
  sending each request to the next server in turn when given several (round robin), and returns
  requests/s, errors and the servers' CPU seconds per request over the counted window.

Ports: the OS picks a free one, unless ``BENCH_PORTS`` names a range (``5105-5109``): then the
first free port of that range is used (for machines where each user has ports of their own).
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CLIENT_THREADS = int(os.environ.get("BENCH_CLIENTS", "4"))
DURATION = float(os.environ.get("BENCH_SECONDS", "4"))
WARMUP = float(os.environ.get("BENCH_WARMUP_SECONDS", "2"))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_taken: set[int] = set()  # ports this process has handed out and may still be using


def free_port() -> int:
    """A free loopback port (from ``BENCH_PORTS`` when set)."""
    wanted = os.environ.get("BENCH_PORTS", "")
    if wanted:
        low, _, high = wanted.partition("-")
        for port in range(int(low), int(high or low) + 1):
            if port in _taken:
                continue
            with socket.socket() as sock:
                # As gunicorn binds: a port whose last connections are in TIME_WAIT is free.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
            _taken.add(port)
            return port
        raise RuntimeError(f"no free port in BENCH_PORTS={wanted}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running gunicorn: its port and its master process."""

    port: int
    process: subprocess.Popen[bytes]
    app_spec: str = ""

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the master and its workers."""
        return sum(_cpu_seconds(pid) for pid in [self.process.pid, *self.worker_pids()])


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in KiB."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def reset_peak(pid: int) -> bool:
    """Reset a process's peak RSS (Linux ``clear_refs``); False where that is not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@contextmanager
def serve(
    app_spec: str, env: dict[str, str] | None = None, workers: int | None = None
) -> Iterator[Server]:
    """Serve ``app_spec`` with gunicorn on a free loopback port until the block ends."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers or WORKERS),
            "--log-level",
            "warning",
            app_spec,
        ],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    server = Server(port, process, app_spec)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({process.returncode}) for {app_spec}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start for {app_spec}")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        _taken.discard(port)


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str] | None = None) -> Iterator[int]:
    """Serve ``app_spec`` with gunicorn on a free loopback port; yields the port."""
    with serve(app_spec, env) as server:
        yield server.port


@dataclass
class LoadResult:
    requests_per_s: float
    cpu_ms_per_request: float  # server CPU (all workers) per counted request
    requests: int
    errors: list[str] = field(default_factory=list)
    per_server: list[int] = field(default_factory=list)


def load(
    servers: Sequence[Server],
    path: str,
    headers: Sequence[dict[str, str]] | dict[str, str] | None = None,
    *,
    seconds: float | None = None,
    clients: int | None = None,
) -> LoadResult:
    """Closed-loop load on ``path``; several servers are used in turn (round robin).

    ``headers`` is one dict for every server, or one per server (e.g. each server's cookie).
    Errors (status ≥ 300, broken connections) are counted, not raised.
    """
    duration = seconds or DURATION
    threads_count = clients or CLIENT_THREADS
    per_server_headers = (
        list(headers) if isinstance(headers, Sequence) else [headers or {}] * len(servers)
    )
    counts = [[0] * len(servers) for _ in range(threads_count)]
    errors: list[str] = []
    start_counting = time.monotonic() + WARMUP
    stop_at = start_counting + duration

    def worker(index: int) -> None:
        connections = [http.client.HTTPConnection("127.0.0.1", s.port, timeout=30) for s in servers]
        turn = index
        while (now := time.monotonic()) < stop_at:
            target = turn % len(servers)
            turn += 1
            connection = connections[target]
            try:
                connection.request("GET", path, headers=per_server_headers[target])
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"{path} on :{servers[target].port}: {exc!r}")
                connection.close()
                continue
            if response.status >= 300:
                errors.append(f"{path} on :{servers[target].port}: HTTP {response.status}")
            elif now >= start_counting:
                counts[index][target] += 1
        for connection in connections:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, start_counting - time.monotonic()))
    cpu_before = sum(s.cpu_seconds() for s in servers)
    time.sleep(max(0.0, stop_at - time.monotonic()))
    cpu_after = sum(s.cpu_seconds() for s in servers)
    for thread in threads:
        thread.join()
    per_server = [sum(row[i] for row in counts) for i in range(len(servers))]
    total = sum(per_server)
    return LoadResult(
        requests_per_s=total / duration,
        cpu_ms_per_request=1000 * (cpu_after - cpu_before) / total if total else float("nan"),
        requests=total,
        errors=errors,
        per_server=per_server,
    )


def measure(port: int, path: str, headers: dict[str, str] | None = None) -> float:
    """Requests per second on one server's ``path`` (2xx only); raises on the first error."""
    server = Server(port, _NoProcess())  # type: ignore[arg-type]
    result = load([server], path, headers)
    if result.errors:
        raise RuntimeError(result.errors[0])
    return result.requests_per_s


class _NoProcess:
    """Stands in for a server process that is not ours to inspect (CPU reads as zero)."""

    pid = -1


def login(port: int, email: str, password: str) -> str:
    """Log in over HTTP like a browser (CSRF token and all); returns the Cookie header."""
    import re
    from http.cookies import SimpleCookie
    from urllib.parse import urlencode

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookies = SimpleCookie(response.getheader("Set-Cookie") or "")
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if found is None:
        raise RuntimeError(f"no login form on :{port}/login (HTTP {response.status})")
    body = urlencode({"csrf_token": found.group(1), "email": email, "password": password})
    connection.request(
        "POST",
        "/login",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v.value}" for k, v in cookies.items()),
        },
    )
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"login failed on :{port}: HTTP {response.status}")
    cookies.load(response.getheader("Set-Cookie") or "")
    connection.close()
    return "; ".join(f"{k}={v.value}" for k, v in cookies.items())
