"""Admin pages for authors: every course folder with the checker's findings, and per course a
picture of each role-play (``courses.authoring``)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template
from flask_babel import gettext as _

from courses import authoring
from training.access import admin_required

bp = Blueprint("courses_admin", __name__, url_prefix="/admin/courses")


def _root() -> Path:
    return Path(current_app.config["COURSES_DIR"])


def _picture_words() -> dict[str, str]:
    return {
        "best": _("best"),
        "critical": _("CRITICAL"),
        "score": _("score"),
        "start": _("START"),
        "resolved": _("RESOLVED"),
        "partial": _("PARTIAL"),
        "escalated": _("ESCALATED"),
    }


@bp.get("")
@admin_required
def index() -> str:
    root = _root()
    reports = [
        authoring.course_report(root, slug, None, pictures=False)
        for slug in authoring.course_slugs(root)
    ]
    return render_template("admin/courses.html", reports=reports)


@bp.get("/<slug>")
@admin_required
def course(slug: str) -> str:
    try:
        report = authoring.course_report(_root(), slug, _picture_words())
    except LookupError:
        abort(404)
    return render_template("admin/course.html", report=report)
