"""A small closed-loop HTTP load generator (keep-alive connections in threads) and a gunicorn
launcher, so every target is served and measured the same way on loopback."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CLIENT_THREADS = int(os.environ.get("BENCH_CLIENTS", "4"))
DURATION = float(os.environ.get("BENCH_SECONDS", "4"))
WARMUP = float(os.environ.get("BENCH_WARMUP_SECONDS", "2"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str] | None = None) -> Iterator[int]:
    """Serve ``app_spec`` with gunicorn on a free loopback port; yields the port."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
            app_spec,
        ],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start for {app_spec}")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def measure(port: int, path: str, headers: dict[str, str] | None = None) -> float:
    """Requests per second on ``path`` (2xx only) over DURATION seconds after a warm-up.

    The warm-up (WARMUP seconds of the same load) lets every gunicorn worker import the app and
    fill its caches (e.g. the parsed course) before anything is counted.
    """
    counts = [0] * CLIENT_THREADS
    errors: list[str] = []
    start_counting = time.monotonic() + WARMUP
    stop_at = start_counting + DURATION

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while (now := time.monotonic()) < stop_at:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            response.read()
            if response.status >= 300:
                errors.append(f"{path}: HTTP {response.status}")
                return
            if now >= start_counting:
                counts[index] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(counts) / DURATION
