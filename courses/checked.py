"""The checker's result for one course folder, kept until the folder's files change.

Both author tools — the admin's course pages (``courses.authoring``) and ``flask courses
preview`` (``courses.preview``) — ask for the same thing on every request: the course as the
loader builds it and what ``flask courses check`` would print. One cache serves both, keyed by
the folder and its ``folder_version`` (names, sizes and times), so a saved file is seen on the
next request and an unchanged folder costs one walk, not a full check.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from courses.catalogue import Course
from courses.loader import folder_version, load_course
from training.content_source import Problem


@dataclass(frozen=True)
class CheckedFolder:
    version: str
    course: Course | None  # None when the folder does not load
    problems: tuple[Problem, ...]  # sorted, errors and warnings


_checked: dict[tuple[str, str], CheckedFolder] = {}
_lock = threading.Lock()
_KEEP = 32  # folders kept at most


def checked_folder(folder: Path, display: str) -> CheckedFolder:
    """``folder`` loaded and checked, problems named under ``display`` (e.g. its slug)."""
    key = (str(folder.resolve()), display)
    version = folder_version(folder)
    with _lock:
        cached = _checked.get(key)
        if cached is not None and cached.version == version:
            return cached
    course, problems = load_course(folder, display)
    result = CheckedFolder(version, course, tuple(sorted(problems)))
    with _lock:
        if len(_checked) >= _KEEP:
            _checked.clear()
        _checked[key] = result
    return result
