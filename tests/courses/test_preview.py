"""Live preview for authors (issue 20, item 5): one folder served read-only, reloaded as it
changes, each page showing the problems of its own file; a broken course shows all of them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from courses.preview import create_preview_app, page_file
from tests.courses.course_factory import FIRST_MD, write_course


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return write_course(tmp_path / "authoring")


@pytest.fixture
def preview(course: Path, tmp_path: Path):  # noqa: ANN201 - a test client
    app = create_preview_app(course, tmp_path / "work")
    return app.test_client()


def _bump(path: Path) -> None:
    """Make sure the new version is seen even within the file system's time resolution."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_pages_open_signed_in_and_enrolled(preview) -> None:  # noqa: ANN001
    page = preview.get("/courses/mini/01-first")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Preview: <code>mini/modules/01-first.md</code>" in html
    assert "No problem in this file." in html and "An introduction." in html


def test_a_saved_change_shows_at_once_with_its_problem_on_its_page(preview, course) -> None:  # noqa: ANN001
    module = course / "modules" / "01-first.md"
    module.write_text(FIRST_MD.replace("The end.", "Saved in C:\\Temp today.\n\nThe end."))
    _bump(module)
    html = preview.get("/courses/mini/01-first").get_data(as_text=True)
    line = module.read_text().splitlines().index("Saved in C:\\Temp today.") + 1
    assert f"mini/modules/01-first.md:{line}</code> warning: the backslash before" in html
    assert "Saved in C:Temp today." in html  # the new text, not the cached page
    other = preview.get("/courses/mini/02-second").get_data(as_text=True)
    assert "backslash" not in other and "1 more in other files of the course." in other


def test_a_broken_course_shows_every_problem_with_file_and_line(preview, course) -> None:  # noqa: ANN001
    yaml = course / "course.yaml"
    yaml.write_text(yaml.read_text().replace("hours: 2", "hours: two"))
    _bump(yaml)
    page = preview.get("/courses/mini/01-first")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "The course does not load" in html
    assert "mini/course.yaml:4" in html and "hours" in html
    yaml.write_text(yaml.read_text().replace("hours: two", "hours: 2"))
    _bump(yaml)
    assert "The course does not load" not in preview.get("/courses/mini").get_data(as_text=True)


def test_the_folder_is_never_written(preview, course) -> None:  # noqa: ANN001
    before = {p: p.stat().st_mtime_ns for p in course.rglob("*")}
    preview.get("/courses/mini")
    preview.get("/courses/mini/01-first")
    preview.get("/courses/mini/01-first/quiz")
    assert {p: p.stat().st_mtime_ns for p in course.rglob("*")} == before


def test_each_page_names_its_file() -> None:
    assert page_file("courses.course", {"slug": "mini"}) == "course.yaml"
    assert page_file("courses.module", {"stem": "01-first"}) == "modules/01-first.md"
    assert page_file("quizzes.start", {"stem": "01-first"}) == "modules/01-first.quiz.yaml"
    assert page_file("roleplays.start", {"slug": "corridor"}) == "roleplays/corridor.yaml"
    assert page_file("courses.catalogue", {}) is None


def test_the_command_serves_the_folder(course: Path, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "FLASK_APP": "app.py", "INSTANCE_PATH": str(tmp_path)}
    flask = [sys.executable, "-m", "flask", "courses", "preview", str(course), "--port", str(port)]
    server = subprocess.Popen(flask, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = ""
        for _ in range(240):  # a loaded machine can take a while to import and start
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/courses/mini/01-first") as r:
                    body = r.read().decode()
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.5)
        assert "Preview: <code>mini/modules/01-first.md</code>" in body, server.poll()
    finally:
        server.terminate()
        server.wait(timeout=30)
