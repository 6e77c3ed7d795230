"""Live preview for authors: one course folder served read-only, reloaded as it changes, with
every problem the checker finds shown on the page it belongs to (issue 20, item 5).

``flask courses preview PATH`` builds a separate app around a throw-away working folder: the
courses folder there holds only a link to PATH (the author's files are read, never written),
the database is a new SQLite file, and every request is signed in as a preview learner who is
enrolled in the course. Each request checks the folder's version (names, sizes and times of
its files) and, when it changed, runs the checker again, so saving a file and reloading the
page shows the new text and the new problems. A course that does not load is not hidden as in
production: every page shows its problems, each with its file and line.
"""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_login import current_user

from courses.checked import checked_folder
from courses.loader import get_catalogue
from courses.problems import is_warning
from training.content_source import Problem

PREVIEW_EMAIL = "preview@passerelle.invalid"


@dataclass(frozen=True)
class PreviewState:
    version: str
    loads: bool
    problems: tuple[Problem, ...]


class CoursePreview:
    """The checker's findings for one folder, computed again only when the folder changes."""

    def __init__(self, folder: Path, display: str) -> None:
        self.folder = folder
        self.display = display

    def state(self) -> PreviewState:
        checked = checked_folder(self.folder, self.display)
        return PreviewState(checked.version, checked.course is not None, checked.problems)

    def problems_for(self, relative: str) -> list[Problem]:
        """The problems reported in the file ``relative`` (e.g. ``modules/01-intro.md``)."""
        path = f"{self.display}/{relative}"
        return [p for p in self.state().problems if p.path == path]


def page_file(endpoint: str | None, view_args: dict[str, Any]) -> str | None:
    """The course file a page shows, relative to the course folder (None: no single file)."""
    if endpoint == "courses.course":
        return "course.yaml"
    if endpoint == "courses.module":
        return f"modules/{view_args.get('stem')}.md"
    if endpoint and endpoint.startswith("quizzes."):
        return f"modules/{view_args.get('stem')}.quiz.yaml"
    if endpoint and endpoint.startswith("roleplays."):
        return f"roleplays/{view_args.get('slug')}.yaml"
    return None


def create_preview_app(course_folder: Path, work_dir: Path | None = None) -> Flask:
    """An app serving only ``course_folder``, with its own database under ``work_dir``."""
    from training import create_app

    folder = course_folder.resolve()
    if not (folder / "course.yaml").is_file():
        raise FileNotFoundError(f"{course_folder} holds no course.yaml")
    work = Path(work_dir or tempfile.mkdtemp(prefix="passerelle-preview-"))
    courses_dir = work / "courses"
    courses_dir.mkdir(parents=True, exist_ok=True)
    link = courses_dir / folder.name
    if not link.exists():
        link.symlink_to(folder, target_is_directory=True)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'preview.sqlite3'}",
            "COURSES_DIR": str(courses_dir),
            "CONTENT_AUTO_RELOAD": True,
            "RATELIMIT_ENABLED": False,
            "OUTBOX_DIR": str(work / "outbox"),
            "CREDENTIAL_KEY_FILE": str(work / "credential-keys.json"),
            "PREVIEW_COURSE": folder.name,
            "PAGE_CACHE": False,  # the preview's problems box is on every page
        }
    )
    app.extensions["course_preview"] = CoursePreview(link, folder.name)
    with app.app_context():
        from training.extensions import db

        db.create_all()  # a throw-away database: the models' schema, no migration history
        _preview_user()
    app.before_request(_before_request)
    app.context_processor(_problems_on_page)
    return app


def _preview() -> CoursePreview:
    return current_app.extensions["course_preview"]


def _preview_user() -> Any:
    from training import accounts
    from training.models import User

    user = User.query.filter_by(email=PREVIEW_EMAIL).one_or_none()
    if user is None:
        user = accounts.create_user(
            PREVIEW_EMAIL,
            display_name="Preview",
            full_name="Course preview",
            password=secrets.token_urlsafe(
                24
            ),  # nobody logs in with it: every request is signed in
            role="learner",
            language="en",
            verified=True,
        )
    return user


def _before_request() -> Any:
    if request.endpoint == "static":
        return None
    preview = _preview()
    state = preview.state()
    if not state.loads:
        return render_template(
            "preview/broken.html", problems=state.problems, display=preview.display
        )
    if current_app.extensions.get("course_preview_seen") != state.version:
        current_app.extensions["course_preview_seen"] = state.version
        get_catalogue(refresh=True)  # the pages show the files as saved, not a second late
    if not current_user.is_authenticated:
        from training import sessions

        sessions.begin(_preview_user())
    _enrol(current_user)
    return None


def _enrol(user: Any) -> None:
    from courses import services
    from courses.loader import get_course

    course = get_course(current_app.config["PREVIEW_COURSE"])
    if course is not None and not services.is_enrolled(user.id, course.slug):
        services.enrol(user, course)


def _problems_on_page() -> dict[str, Any]:
    if request.endpoint == "static":
        return {}
    preview = _preview()
    relative = page_file(request.endpoint, dict(request.view_args or {}))
    here = preview.problems_for(relative) if relative else []
    every = preview.state().problems
    return {
        "preview": {
            "file": f"{preview.display}/{relative}" if relative else None,
            "errors": [p for p in here if not is_warning(p)],
            "warnings": [p for p in here if is_warning(p)],
            "elsewhere": len(every) - len(here),
        }
    }
