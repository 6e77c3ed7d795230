"""Course folders into the catalogue, validated and rendered once per content version.

A course folder (see docs/content-format.md) is read by ``load_course``, which returns the Course
or, when anything is wrong, ``None`` and every problem found (``path:line: message``), so the
checker can print them all and the app can leave just that course out. Problems whose message
starts with ``"warning:"`` are warnings: they are reported but do not stop the course loading.
The work is split by responsibility: ``courses.course_parse`` (course.yaml), ``courses.
module_parse`` (modules and their quizzes), ``courses.scenario_parse`` (role-plays) and
``courses.course_lints`` (the checker's warnings about assessment and declared hours).

``get_catalogue`` caches what it built per content version (a hash of the file names, sizes and
modification times under ``COURSES_DIR``); with ``CONTENT_AUTO_RELOAD`` it looks for changes at
most once per second, and only a course whose own files changed is read and rendered again.
No Markdown is ever rendered while serving a request from the cache.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flask import current_app

from courses.catalogue import Course
from courses.content_cache import load_cached
from courses.course_lints import lint_course
from courses.course_parse import CourseReader
from courses.module_parse import scrollable_tables, stats
from courses.problems import errors_in, is_warning
from training.content_source import Problem

__all__ = [
    "Catalogue",
    "clear_cache",
    "course_folders",
    "errors_in",
    "folder_version",
    "get_catalogue",
    "get_course",
    "is_warning",
    "load_course",
    "scrollable_tables",
    "stats",
]

RECHECK_SECONDS = 1.0


def folder_version(folder: Path) -> str:
    """A hash of the names, sizes and modification times of every file under ``folder``."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            full = os.path.join(root, name)
            try:
                info = os.stat(full)
            except OSError:
                continue
            relative = os.path.relpath(full, folder)
            digest.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def load_course(path: Path, display: str | None = None) -> tuple[Course | None, list[Problem]]:
    """Validate and load one course folder: ``(course, warnings)`` or ``(None, problems)``.

    ``display`` is how the folder is named in problems (default: ``path`` as given). The
    checker's lints (``courses.course_lints``) are among the warnings of a course that loads.
    """
    folder = Path(path)
    reader = CourseReader(folder, display if display is not None else str(path))
    course, problems = reader.read(folder_version(folder))
    if course is None:
        return None, problems
    return course, sorted(set(problems) | set(lint_course(course, reader.problems, reader.lines)))


# --------------------------------------------------------------------------------------------
# The catalogue and its cache


@dataclass(frozen=True)
class Catalogue:
    courses: dict[str, Course]  # only the valid ones, by slug
    problems: dict[str, list[Problem]]  # per broken course folder name
    version: str = ""


@dataclass
class _Entry:
    version: str
    course: Course | None
    problems: list[Problem]


@dataclass
class _Cache:
    version: str | None = None
    checked_at: float = 0.0
    catalogue: Catalogue | None = None
    entries: dict[str, _Entry] = field(default_factory=dict)


_lock = threading.Lock()
_caches: dict[str, _Cache] = {}


def course_folders(root: Path) -> list[Path]:
    """The folders under ``root`` that hold a course.yaml, by name."""
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
        and (p / "course.yaml").is_file()
    )  # fmt: skip


@lru_cache(maxsize=32)
def _cache_key(courses_dir: str) -> str:
    """The resolved COURSES_DIR, the key of its cache (resolving it walks the file system,
    which cost more than the rest of a cached look-up: the module page asks on every request)."""
    return str(Path(courses_dir).resolve())


def get_catalogue(refresh: bool = False) -> Catalogue:
    """The catalogue for the app's COURSES_DIR (from the cache unless the files changed).

    ``refresh`` looks for changes now, whatever the once-per-second throttle says.
    """
    setting = str(current_app.config["COURSES_DIR"])
    auto = current_app.config.get("CONTENT_AUTO_RELOAD", True)
    key = _cache_key(setting)
    now = time.monotonic()
    cache = _caches.get(key)
    if cache is not None and cache.catalogue is not None:
        stale = refresh or (auto and now - cache.checked_at >= RECHECK_SECONDS)
        if not stale:
            return cache.catalogue
    with _lock:
        root = Path(setting)
        cache = _caches.setdefault(key, _Cache())
        folders = course_folders(root)
        versions = {folder.name: folder_version(folder) for folder in folders}
        version = hashlib.sha256(repr(sorted(versions.items())).encode()).hexdigest()[:16]
        cache.checked_at = now
        if cache.catalogue is not None and version == cache.version:
            return cache.catalogue
        entries: dict[str, _Entry] = {}
        cache_setting = current_app.config.get("CONTENT_CACHE_DIR")
        cache_dir = Path(cache_setting) if cache_setting else None
        for folder in folders:
            entry = cache.entries.get(folder.name)
            if entry is None or entry.version != versions[folder.name]:
                display = f"{root.name}/{folder.name}"
                course, problems = load_cached(
                    cache_dir,
                    folder,
                    display,
                    versions[folder.name],
                    lambda folder=folder, display=display: load_course(folder, display),
                )
                entry = _Entry(versions[folder.name], course, problems)
                _log(folder.name, entry)
            entries[folder.name] = entry
        cache.entries = entries
        cache.version = version
        cache.catalogue = Catalogue(
            courses={e.course.slug: e.course for e in entries.values() if e.course},
            problems={name: e.problems for name, e in entries.items() if e.course is None},
            version=version,
        )
        return cache.catalogue


def _log(name: str, entry: _Entry) -> None:
    if entry.course is None:
        current_app.logger.error(
            "Course %r is left out: %d problem(s)\n%s",
            name,
            len(errors_in(entry.problems)),
            "\n".join(str(p) for p in entry.problems),
        )
    else:
        for problem in entry.problems:
            current_app.logger.warning("%s", problem)


def get_course(slug: str) -> Course | None:
    """The valid course called ``slug`` (None when unknown or broken)."""
    return get_catalogue().courses.get(slug)


def clear_cache() -> None:
    """Forget every loaded course (tests; a deploy reloads anyway)."""
    with _lock:
        _caches.clear()
        _cache_key.cache_clear()
