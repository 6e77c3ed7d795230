"""The Nu Html Checker (vnu, the W3C's validator) on pages the browser journeys visit.

``make test`` installs the checker from the npm registry (``vnu-jar``, pinned in the Makefile)
into ``.venv/vnu``; it runs on Debian's Java. Where either is missing the check is skipped with
a message, except under ``CI=true``, where ``.ci/run`` installs both and a missing one fails.

Pages are collected during a journey and checked together at its end (one JVM start per test).
Errors fail the test; ``HTML_VALIDATION=report`` only warns (an opt-in, for a first look).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_JAR = ROOT / ".venv" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


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
    with tempfile.TemporaryDirectory(prefix="vnu-") as folder:
        names: dict[str, str] = {}
        for index, (name, html) in enumerate(documents.items()):
            path = Path(folder) / f"page{index:03d}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = name
        result = subprocess.run(
            [java(), "-Xss2m", "-jar", str(vnu_jar()), "--format", "json", "--stdout",
             "--exit-zero-always", *sorted(str(Path(folder) / p) for p in os.listdir(folder))],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    try:
        messages = json.loads(result.stdout or "{}").get("messages", [])
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"vnu gave no JSON: {result.stderr[:500]}") from exc
    errors: list[HtmlError] = []
    for message in messages:
        if message.get("type") != "error":
            continue
        url = message.get("url", "")
        errors.append(
            HtmlError(
                page=names.get(url.rsplit("/", 1)[-1], url),
                line=int(message.get("lastLine", 0)),
                message=message.get("message", ""),
                extract=message.get("extract", ""),
            )
        )
    return errors


@dataclass
class PageCollector:
    """The pages one journey visited, by a readable name (URL, plus a step label)."""

    documents: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, html: str) -> None:
        key, n = name, 2
        while key in self.documents and self.documents[key] != html:
            key, n = f"{name} ({n})", n + 1
        self.documents[key] = html
