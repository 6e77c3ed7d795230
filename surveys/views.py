"""The learner's survey form, and the trainer's placement and survey pages of a cohort.

Thin: rules in ``surveys.services`` and ``surveys.placement``. A cohort the viewer does not
train is a 404 (``cohorts.services.cohort_for``), as on every cohort page.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from cohorts import services as cohorts
from courses.loader import get_course
from surveys import models as _models  # noqa: F401  (registers the tables)
from surveys import placement, sections, services
from training.access import trainer_required
from training.forms import EmptyForm

bp = Blueprint("surveys", __name__)
sections.register()


def _course_or_404(slug: str):  # noqa: ANN202 - courses.catalogue.Course
    course = get_course(slug)
    if course is None or course.survey is None:
        abort(404)
    return course


@bp.get("/courses/<slug>/survey")
@login_required
def survey(slug: str) -> str | Response:
    course = _course_or_404(slug)
    if services.has_answered(current_user.id, slug):
        return render_template("surveys/thanks.html", course=course)
    if not services.may_answer(current_user, course):
        abort(404)
    return _form_page(course, EmptyForm(), {})


def _form_page(course, form: EmptyForm, values) -> str:  # noqa: ANN001
    return render_template(
        "surveys/form.html",
        course=course,
        form=form,
        values=values,
        scale=services.scale_labels(),
        threshold=services.min_responses(),
    )


@bp.post("/courses/<slug>/survey")
@login_required
def answer(slug: str) -> str | Response:
    course = _course_or_404(slug)
    if not services.may_answer(current_user, course) and not services.has_answered(
        current_user.id, slug
    ):
        abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.submit(current_user, course, request.form)
    except services.SurveyError as exc:
        flash(str(exc), "error")
        return _form_page(course, form, request.form), 422  # type: ignore[return-value]
    return redirect(url_for("surveys.survey", slug=slug))


def _cohort_and_course(cohort_id: int):  # noqa: ANN202 - (Cohort, Course)
    cohort = cohorts.cohort_for(current_user, cohort_id)
    if cohort is None:
        abort(404)
    course = get_course(cohort.course_slug)
    if course is None:
        abort(404)
    return cohort, course


@bp.get("/cohorts/<int:cohort_id>/placement")
@trainer_required
def cohort_placement(cohort_id: int) -> str:
    cohort, course = _cohort_and_course(cohort_id)
    summary = placement.cohort_placement(cohort) if course.placement is not None else None
    return render_template(
        "surveys/cohort_placement.html", cohort=cohort, course=course, summary=summary
    )


@bp.get("/cohorts/<int:cohort_id>/survey")
@trainer_required
def cohort_survey(cohort_id: int) -> str:
    cohort, course = _cohort_and_course(cohort_id)
    result = None
    if course.survey is not None:
        result = services.aggregate(course.survey, services.responses_of(course.slug, [cohort.id]))
    return render_template(
        "surveys/cohort_survey.html",
        cohort=cohort,
        course=course,
        result=result,
        scale=services.scale_labels(),
    )
