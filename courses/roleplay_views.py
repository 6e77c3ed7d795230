"""Role-play pages: intro, one page per turn, debrief. Every choice is a POST, then a redirect."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

import courses.roleplay_sections  # noqa: F401 - registers the course-page section
from courses import roleplay_services as services
from courses.catalogue import Course
from courses.roleplay import InvalidChoice, Scenario
from courses.roleplay_models import RoleplayRun
from training.cohort_access import has_a_trainer
from training.forms import EmptyForm

bp = Blueprint("roleplays", __name__, url_prefix="/courses/<course_slug>/roleplays")

OUTCOME_LABELS = {
    "resolved": _l("Resolved"),
    "partial": _l("Partly resolved"),
    "escalated": _l("Escalated"),
}


class ChoiceForm(FlaskForm):
    step = HiddenField()


class ReflectionForm(FlaskForm):
    reflection = TextAreaField(
        _l("What would you do differently on the job?"),
        validators=[Length(max=services.REFLECTION_MAX_LENGTH)],
        description=_l(
            "Saved with this run; your trainers can read it. At most %(max)d characters.",
            max=services.REFLECTION_MAX_LENGTH,
        ),
        render_kw={"rows": 6, "maxlength": services.REFLECTION_MAX_LENGTH},
    )


def _course(course_slug: str) -> Course:
    from courses.loader import get_course

    course = get_course(course_slug)
    if course is None:
        raise NotFound()
    return course


def _run(course_slug: str, run_id: int) -> tuple[RoleplayRun, Course, Scenario]:
    run, course = services.get_run(current_user, run_id, _course(course_slug))
    scenario = course.roleplay(run.scenario_slug)
    if course.slug != course_slug or scenario is None:
        raise NotFound()
    return run, course, scenario


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"outcome_labels": OUTCOME_LABELS}


@bp.get("/<slug>")
@login_required
def intro(course_slug: str, slug: str) -> str:
    course = _course(course_slug)
    scenario = services.scenario_for(current_user, course, slug)
    runs = services.runs_for(current_user.id, course.slug, slug)
    current = next((r for r in runs if not r.is_finished), None)
    return render_template(
        "roleplays/intro.html",
        course=course,
        scenario=scenario,
        runs=runs,
        passes={r.id: services.run_verdict(r, course).passed for r in runs if r.is_finished},
        current=current,
        allowance=services.run_allowance(current_user.id, course, slug),
        counts=scenario.slug in course.completion.roleplays,
        has_trainer=has_a_trainer(current_user.id, course.slug),
        form=EmptyForm(),
    )


@bp.post("/<slug>/runs")
@login_required
def start(course_slug: str, slug: str) -> Response:
    course = _course(course_slug)
    services.scenario_for(current_user, course, slug)
    if not EmptyForm().validate_on_submit():
        flash(_("The form had expired. Please try again."), "warning")
        return redirect(url_for(".intro", course_slug=course.slug, slug=slug))
    try:
        run = services.start_run(current_user, course, slug)
    except services.NoRunsLeft:
        flash(
            _("You have played all the runs this course allows for this role-play. "
              "Your trainer has been told and can reopen it for you."),
            "info",
        )  # fmt: skip
        return redirect(url_for(".intro", course_slug=course.slug, slug=slug))
    return redirect(url_for(".play", course_slug=course.slug, slug=slug, run_id=run.id))


@bp.get("/<slug>/runs/<int:run_id>")
@login_required
def play(course_slug: str, slug: str, run_id: int) -> str | Response:
    run, course, scenario = _run(course_slug, run_id)
    if run.scenario_slug != slug:
        raise NotFound()
    if run.is_finished:
        return redirect(url_for(".debrief", course_slug=course.slug, slug=slug, run_id=run.id))
    try:
        turn = services.turn(run, scenario)
    except InvalidChoice:
        return _content_changed(course, slug)
    return render_template(
        "roleplays/turn.html",
        course=course,
        scenario=scenario,
        turn=turn,
        form=ChoiceForm(formdata=None, step=str(run.step)),
    )


@bp.post("/<slug>/runs/<int:run_id>")
@login_required
def choose(course_slug: str, slug: str, run_id: int) -> Response:
    run, course, scenario = _run(course_slug, run_id)
    if run.scenario_slug != slug:
        raise NotFound()
    form = ChoiceForm()
    target = url_for(".play", course_slug=course.slug, slug=slug, run_id=run.id)
    try:
        expected = int(form.step.data or "")
        position = int(request.form.get("choice", ""))
    except ValueError:
        flash(_("Please pick one of the choices."), "warning")
        return redirect(target)
    if not form.validate_on_submit():
        flash(_("The form had expired. Please choose again."), "warning")
        return redirect(target)
    try:
        # The page posts the position shown; the run's stored order says which choice it is.
        choice = services.choice_at_position(run, scenario, position)
    except InvalidChoice:
        choice = -1  # refused by the service like any invalid choice (or a stale page)
    result = services.choose(current_user, run.id, expected, choice, course=course)
    if result.reason == "stale":
        flash(
            _("That page was out of date: your run had already moved on. Here is where it is now."),
            "info",
        )
    elif result.reason == "invalid":
        flash(_("Please pick one of the choices."), "warning")
    if result.ended:
        return redirect(url_for(".debrief", course_slug=course.slug, slug=slug, run_id=run.id))
    return redirect(target + "#turn")


@bp.get("/<slug>/runs/<int:run_id>/debrief")
@login_required
def debrief(course_slug: str, slug: str, run_id: int) -> str | Response:
    run, course, scenario = _run(course_slug, run_id)
    if run.scenario_slug != slug:
        raise NotFound()
    if not run.is_finished:
        return redirect(url_for(".play", course_slug=course.slug, slug=slug, run_id=run.id))
    return _render_debrief(course, scenario, run, ReflectionForm(reflection=run.reflection))


def _render_debrief(course: Course, scenario: Scenario, run: RoleplayRun, form: ReflectionForm):
    return render_template(
        "roleplays/debrief.html",
        course=course,
        scenario=scenario,
        debrief=services.debrief(run, scenario, course),
        min_score=course.completion.roleplay_min_score,
        outcomes=course.completion.roleplay_outcomes,
        counts=scenario.slug in course.completion.roleplays,
        form=form,
        start_form=EmptyForm(formdata=None),
    )


@bp.post("/<slug>/runs/<int:run_id>/reflection")
@login_required
def reflect(course_slug: str, slug: str, run_id: int) -> str | Response:
    run, course, scenario = _run(course_slug, run_id)
    if run.scenario_slug != slug:
        raise NotFound()
    form = ReflectionForm()
    if not form.validate_on_submit():
        return _render_debrief(course, scenario, run, form), 422  # type: ignore[return-value]
    try:
        services.save_reflection(current_user, run.id, form.reflection.data or "", course=course)
    except services.ReflectionError:
        return redirect(url_for(".play", course_slug=course.slug, slug=slug, run_id=run.id))
    flash(_("Your reflection is saved with this run."), "success")
    return redirect(
        url_for(".debrief", course_slug=course.slug, slug=slug, run_id=run.id) + "#your-reflection"
    )


def _content_changed(course: Course, slug: str) -> Response:
    flash(
        _("This role-play has changed since you started this run. Please start again."), "warning"
    )
    return redirect(url_for(".intro", course_slug=course.slug, slug=slug))
