"""The Nu Html Checker (vnu, the W3C's validator) on pages the browser journeys visit.

``make test`` installs the checker from the npm registry (``vnu-jar``, pinned in the Makefile)
into ``.venv/vnu``; it runs on Debian's Java. Where either is missing the check is skipped with
a message, except under ``CI=true``, where ``.ci/run`` installs both and a missing one fails.

Pages are collected during a journey and checked together at its end, by vnu's own web service
(``nu.validator.servlet.Main``) started once per test process on a loopback port: a JVM start
and the schemas loaded once, not once per test (about 3 s of CPU each); the same checker and
messages as its command line.
Errors fail the test; ``HTML_VALIDATION=report`` only warns (an opt-in, for a first look).
"""

from __future__ import annotations

import atexit
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_JAR = ROOT / ".venv" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
START_TIMEOUT = 300  # seconds: the service loads every schema first (tens of seconds under load)
CHECK_TIMEOUT = 120
MAX_BYTES = 16 * 1024 * 1024


def vnu_jar() -> Path | None:
    jar = Path(os.environ.get("VNU_JAR") or DEFAULT_JAR)
    return jar if jar.is_file() else None


def java() -> str | None:
    return shutil.which("java")


def missing_reason() -> str | None:
    """Why the checker cannot run here (None when it can)."""
    if java() is None:
        return "Java not found (apt-get install default-jre-headless)"
    if vnu_jar() is None:
        return f"vnu.jar not found at {DEFAULT_JAR} (make test installs it with npm: vnu-jar)"
    return None


def require_checker() -> None:
    """Skip the calling test where the checker cannot run; fail it instead under ``CI=true``."""
    import pytest

    reason = missing_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the Nu Html Checker is required under CI=true: {reason}")
    pytest.skip(f"HTML not validated: {reason}")


@dataclass(frozen=True)
class HtmlError:
    page: str
    line: int
    message: str
    extract: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.message} — {self.extract.strip()[:120]!r}"


def check_documents(documents: dict[str, str]) -> list[HtmlError]:
    """vnu's errors (not warnings or info) for each named HTML document."""
    if not documents:
        return []
    reason = missing_reason()
    if reason:
        raise RuntimeError(reason)
    service = _service()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(service.check, documents.values())
        return [
            HtmlError(
                page=name,
                line=int(message.get("lastLine", 0)),
                message=message.get("message", ""),
                extract=message.get("extract", ""),
            )
            for name, messages in zip(documents, results, strict=True)
            for message in messages
            if message.get("type") == "error"
        ]


class _Service:
    """One vnu web service (``nu.validator.servlet.Main``, the checker's own HTTP mode) for this
    test process, on a free loopback port, started at the first check and stopped at exit."""

    def __init__(self) -> None:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - open while the service runs
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.port = port
        self.process = subprocess.Popen(
            # C1 only: a test run checks a few hundred pages, too few for C2's compiling to pay.
            [java(), "-Xss2m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
             "-Dnu.validator.servlet.bind-address=127.0.0.1",
             f"-Dnu.validator.servlet.max-file-size={MAX_BYTES}",
             "-cp", str(vnu_jar()), "nu.validator.servlet.Main", str(port)],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        atexit.register(self.stop)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _request(self, method: str, path: str, body: bytes | None, timeout: float) -> bytes:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {"User-Agent": "passerelle-tests"}  # the service refuses requests without
            if body is not None:
                headers["Content-Type"] = "text/html; charset=utf-8"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            if response.status != 200:
                raise RuntimeError(f"vnu answered {response.status}: {data[:500]!r}")
            return data
        finally:
            connection.close()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the vnu service stopped at start: {self._output()}")
            try:
                self._request("GET", "/", None, timeout=5)
                return
            except (OSError, http.client.HTTPException):
                time.sleep(0.5)
        raise RuntimeError(f"the vnu service did not start in {START_TIMEOUT} s: {self._output()}")

    def _output(self) -> str:
        self._log.seek(0)
        return self._log.read()[-2000:].decode("utf-8", "replace")

    def check(self, html: str) -> list[dict]:
        body = self._request("POST", "/?out=json", html.encode("utf-8"), timeout=CHECK_TIMEOUT)
        try:
            return json.loads(body).get("messages", [])
        except json.JSONDecodeError as exc:
            raise RuntimeError(f"vnu gave no JSON: {body[:500]!r}") from exc

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


_running: list[_Service] = []


def _service() -> _Service:
    if not (_running and _running[0].running()):
        _running[:] = [_Service()]
    return _running[0]


@dataclass
class PageCollector:
    """The pages one journey visited, by a readable name (URL, plus a step label)."""

    documents: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, html: str) -> None:
        key, n = name, 2
        while key in self.documents and self.documents[key] != html:
            key, n = f"{name} ({n})", n + 1
        self.documents[key] = html
