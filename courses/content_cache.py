"""A course folder, loaded once per content version and code version, kept on disk.

Loading a course (YAML, Markdown rendering, scenario building, lints) takes seconds; every new
worker process used to pay it on its first page (issue 19, item 4: quick starts). The loaded
course is pickled under ``CONTENT_CACHE_DIR`` (default ``instance/content-cache``; empty
disables it), keyed by

- the folder's ``folder_version`` (names, sizes and modification times of its files),
- the code that builds a course: the sizes and modification times of the Python files of the
  ``courses``, ``quizzes`` and ``training`` packages, and the versions of the libraries that
  parse and render content (Markdown, its extensions, PyYAML, nh3),
- the Python version,

so an edited course file, a deploy of new code or an upgraded library builds a fresh entry; a
stale one can never be read. Files are written to a temporary name and renamed, so concurrent
workers never read half a file. The directory belongs to the application (like its SQLite
database and signing key): only the app writes there, which is what makes unpickling safe.
Anything unreadable is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path

from courses.catalogue import Course
from training.content_source import Problem

_CODE_PACKAGES = ("courses", "quizzes", "training")
_CONTENT_LIBRARIES = ("markdown", "pymdown-extensions", "PyYAML", "nh3")
_ROOT = Path(__file__).resolve().parent.parent

Loaded = tuple[Course | None, list[Problem]]


@cache
def code_version() -> str:
    """A hash of what builds a course besides its files (computed once per process)."""
    digest = hashlib.sha256(sys.version.encode())
    for package in _CODE_PACKAGES:
        for path in sorted((_ROOT / package).rglob("*.py")):
            info = path.stat()
            digest.update(
                f"{path.relative_to(_ROOT)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode()
            )
    for library in _CONTENT_LIBRARIES:
        try:
            digest.update(f"{library}=={metadata.version(library)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} absent\n".encode())
    return digest.hexdigest()[:16]


def cache_file(cache_dir: Path, folder: Path, display: str, folder_version: str) -> Path:
    key = hashlib.sha256(
        f"{folder.resolve()}\0{display}\0{folder_version}\0{code_version()}".encode()
    ).hexdigest()[:24]
    return cache_dir / f"{folder.name}-{key}.pickle"


def load_cached(
    cache_dir: Path | None,
    folder: Path,
    display: str,
    folder_version: str,
    build: Callable[[], Loaded],
) -> Loaded:
    """The loaded course from ``cache_dir`` when this exact version was built before, else
    ``build()`` (stored for the next process). ``cache_dir`` None: always ``build()``."""
    if cache_dir is None:
        return build()
    path = cache_file(cache_dir, folder, display, folder_version)
    try:
        with path.open("rb") as stored:
            loaded = pickle.load(stored)  # noqa: S301 - the app's own directory, see above
        if isinstance(loaded, tuple) and len(loaded) == 2:
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        pass
    loaded = build()
    _store(path, loaded)
    return loaded


def _store(path: Path, loaded: Loaded) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_older_versions(path)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(loaded, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return  # a cache that cannot be written costs speed, never a page


def _remove_older_versions(path: Path) -> None:
    """Keep one entry per course folder name: older versions are never read again."""
    prefix = path.name.rsplit("-", 1)[0] + "-"
    for old in path.parent.glob(f"{prefix}*.pickle"):
        if old != path and old.name.rsplit("-", 1)[0] + "-" == prefix:
            old.unlink(missing_ok=True)
