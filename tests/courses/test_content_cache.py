"""Loaded courses kept on disk per content and code version (courses/content_cache.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask

from courses import loader
from courses.content_cache import cache_file, code_version
from tests.courses.course_factory import write_course


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    write_course(tmp_path / "courses")
    return {"COURSES_DIR": str(tmp_path / "courses"), "CONTENT_CACHE_DIR": str(tmp_path / "cc")}


def _new_process() -> None:
    """What a fresh worker starts with: no course in memory."""
    loader.clear_cache()


def _refuse_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the course was loaded again instead of read from the cache")

    monkeypatch.setattr(loader, "load_course", refuse)


def test_a_new_process_reads_the_stored_course(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = loader.get_catalogue(refresh=True).courses["mini"]
    assert list((tmp_path / "cc").glob("mini-*.pickle"))
    _new_process()
    _refuse_loading(monkeypatch)
    again = loader.get_catalogue(refresh=True).courses["mini"]
    assert again is not first  # read from disk, not the same object
    assert [m.html for m in again.modules] == [m.html for m in first.modules]
    assert again.title == first.title


def test_an_edited_file_is_loaded_again(app: Flask, tmp_path: Path) -> None:
    loader.get_catalogue(refresh=True)
    _new_process()
    module = tmp_path / "courses" / "mini" / "modules" / "01-first.md"
    module.write_text(module.read_text().replace("The end.", "A brand new ending."))
    info = module.stat()
    os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns + 2_000_000_000))
    course = loader.get_catalogue(refresh=True).courses["mini"]
    assert "A brand new ending." in course.modules[0].html
    assert len(list((tmp_path / "cc").glob("mini-*.pickle"))) == 1  # the old entry is gone


def test_an_unreadable_entry_is_rebuilt(app: Flask, tmp_path: Path) -> None:
    loader.get_catalogue(refresh=True)
    (stored,) = (tmp_path / "cc").glob("mini-*.pickle")
    stored.write_bytes(b"not a pickle")
    _new_process()
    assert "mini" in loader.get_catalogue(refresh=True).courses
    assert stored.read_bytes() != b"not a pickle"


def test_the_key_holds_the_content_and_the_code_version(tmp_path: Path) -> None:
    folder = write_course(tmp_path)
    one = cache_file(tmp_path / "cc", folder, "mini", "v1")
    assert one != cache_file(tmp_path / "cc", folder, "mini", "v2")
    assert one != cache_file(tmp_path / "cc", folder, "other/mini", "v1")
    assert len(code_version()) == 16


def test_an_empty_setting_turns_the_cache_off(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "CONTENT_CACHE_DIR", "")
    loader.get_catalogue(refresh=True)
    assert not (tmp_path / "cc").exists()
