"""Pages of the courses feature: catalogue, course page, module reader, media, dashboard."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from courses import demo as _demo  # noqa: F401  (registers the demo loader)
from courses import models as _models  # noqa: F401  (registers the tables)
from courses import overrides as _overrides  # noqa: F401  (registers the table)
from courses import services
from courses.catalogue import Course
from courses.edition_switch import current_edition
from courses.editions import catalogue_cards, editions_of
from courses.loader import errors_in, get_catalogue, get_course
from courses.media import send_media
from courses.sections import Section, course_sections, dashboard_sections, progress_of
from training.admin_views import ADMIN_WARNING_PROVIDERS
from training.content_language import page_language
from training.forms import EmptyForm
from training.page_cache import render_page

bp = Blueprint("courses", __name__)

TOC_MIN_ENTRIES = 4  # shorter modules need no table of contents


def _course_or_404(slug: str) -> Course:
    course = get_course(slug)
    if course is None:
        abort(404)
    return course


def _render_sections(sections: list[Section]) -> list[Markup]:
    """Each section's template rendered with its own context (already escaped HTML)."""
    return [Markup(render_template(s.template, **s.context)) for s in sections]  # noqa: S704


def _quiz_url(course: Course, stem: str) -> str | None:
    if course.quiz(stem) is None or "quizzes.start" not in current_app.view_functions:
        return None
    return url_for("quizzes.start", course_slug=course.slug, stem=stem)


def _quiz_passed(course: Course, stem: str) -> bool:
    progress = progress_of(current_user, course)
    item = progress.item("quiz", stem) if progress is not None else None
    return item is not None and item.passed


@bp.get("/courses")
def catalogue() -> str:
    standings = {}
    if current_user.is_authenticated:
        standings = {
            s.course.slug: progress_of(current_user, s.course)
            for s in services.dashboard(current_user)
        }
    cards = catalogue_cards(get_catalogue().courses.values(), page_language(), standings)
    return render_template("courses/catalogue.html", cards=cards, standings=standings)


@bp.get("/courses/<slug>")
def course(slug: str) -> str:
    course = _course_or_404(slug)
    progress = requirements = other_edition = None
    enrolled = False
    sections = []
    if current_user.is_authenticated:
        enrolled = services.is_enrolled(current_user.id, course.slug)
        other_edition = None if enrolled else current_edition(current_user, course)
        if enrolled or current_user.is_trainer:
            progress = services.course_progress(current_user, course)
            requirements = progress_of(current_user, course)
        sections = course_sections(current_user, course)
    return render_template(
        "courses/course.html",
        course=course,
        enrolled=enrolled,
        can_read=enrolled or (current_user.is_authenticated and current_user.is_trainer),
        progress=progress,
        requirements=requirements,
        sections=_render_sections(sections),
        roleplays_in_sections=any(s.template.startswith("roleplays/") for s in sections),
        form=EmptyForm(),
        editions=[c for c in editions_of(course, get_catalogue().courses.values()) if c != course],
        other_edition=other_edition,
    )


@bp.post("/courses/<slug>/enrol")
@login_required
def enrol(slug: str) -> Response:
    course = _course_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.self_enrol(current_user, course)
    except services.OtherEdition:
        return redirect(url_for(".switch_edition", slug=course.slug))
    except services.EnrolmentRefused:
        flash(_("This course is not open to self-enrolment. Ask your trainer."), "error")
        return redirect(url_for(".course", slug=course.slug))
    flash(_("You are enrolled in %(title)s.", title=course.title), "success")
    return redirect(url_for(".course", slug=course.slug))


@bp.get("/courses/<slug>/<stem>")
@login_required
def module(slug: str, stem: str) -> str | Response:
    course = _course_or_404(slug)
    module = course.module(stem)
    if module is None:
        abort(404)
    try:
        status = services.record_module_opened(current_user, course, stem)
    except services.NotAllowed:
        flash(_("Enrol in the course to read its modules."), "info")
        return redirect(url_for(".course", slug=course.slug))
    g.module_reading = status.reading  # for the hooks after the view (courses.reading)
    # Everything the page shows depends on the course version, the module and whether it is
    # done (plus the layout's own key): rendered once per such key (training.page_cache).
    return render_page(
        ("module", course.slug, course.version, stem, status.done),
        "courses/module.html",
        lambda: {
            "course": course,
            "module": module,
            "done": status.done,
            "previous": course.previous_module(stem),
            "next": course.next_module(stem),
            "quiz_url": _quiz_url(course, stem),
            "show_toc": len(module.toc) >= TOC_MIN_ENTRIES,
            "sections": [entry for entry in module.toc if entry.level == 2],
            "form": EmptyForm(),
        },
    )


@bp.post("/courses/<slug>/<stem>/done")
@login_required
def mark_done(slug: str, stem: str) -> Response:
    course = _course_or_404(slug)
    if course.module(stem) is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.mark_module_done(current_user, course, stem)
    except services.NotAllowed:
        flash(_("Enrol in the course to read its modules."), "info")
        return redirect(url_for(".course", slug=course.slug))
    quiz_url = _quiz_url(course, stem)
    if quiz_url is not None and not _quiz_passed(course, stem):
        flash(_("Module marked as done. Now check what you learnt with its quiz."), "success")
        return redirect(quiz_url)
    flash(_("Module marked as done."), "success")
    following = course.next_module(stem)
    if following is not None:
        return redirect(url_for(".module", slug=course.slug, stem=following.stem))
    return redirect(url_for(".course", slug=course.slug))


@bp.get("/courses/<slug>/media/<path:filename>")
def media(slug: str, filename: str) -> Response:
    """An open course's media is public (anyone may enrol and read it); a closed course's is
    served only to those who may read its modules, and is a 404 for everybody else."""
    course = _course_or_404(slug)
    if not course.open and not services.can_read(current_user, course):
        abort(404)
    return send_media(course, filename)


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    standings = services.dashboard(current_user)
    return render_template(
        "courses/dashboard.html",
        standings=standings,
        requirements={s.course.slug: progress_of(current_user, s.course) for s in standings},
        sections=_render_sections(dashboard_sections(current_user)),
    )


def broken_course_warnings() -> list[str]:
    """Admin page warnings: course folders left out because their files are broken."""
    problems = get_catalogue().problems
    return [
        str(
            _l(
                "Course folder “%(name)s” is left out: %(count)d problem(s), first: %(first)s. "
                "Run “flask courses check” for the full list.",
                name=name,
                count=len(errors_in(found)),
                first=str(errors_in(found)[0]) if errors_in(found) else "",
            )
        )
        for name, found in sorted(problems.items())
    ]


if broken_course_warnings not in ADMIN_WARNING_PROVIDERS:
    ADMIN_WARNING_PROVIDERS.append(broken_course_warnings)


from courses import edition_views as _edition_views  # noqa: E402,F401  (its routes are on bp)
