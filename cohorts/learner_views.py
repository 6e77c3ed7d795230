"""The trainer's page about one learner of a cohort, and the second chances granted there.

Routes of the cohorts blueprint (``cohorts.views``): the same access rule, another trainer's
cohort is a 404, and only the cohort's members have a page.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from blocks.issuing import attestations_of
from certificates.progress import Progress
from certificates.progress_data import progress_for
from cohorts import learner_detail, second_chances, services
from cohorts.forms import RemoveLearnerForm, SecondChanceForm
from cohorts.views import _cohort_or_404, _course_or_404, bp
from courses.catalogue import Course
from proof.learning_time import learning_time
from training.access import trainer_required
from training.models import Cohort


def _second_chance_form(course: Course, progress: Progress) -> SecondChanceForm:
    form = SecondChanceForm()
    options = second_chances.options_for(course, progress)
    form.action.choices = (
        [
            SelectChoice("", _("Choose what to grant")),
            *(SelectChoice(option.value, option.label) for option in options),
        ]
        if options
        else []
    )
    return form


def _learner_page(cohort: Cohort, course: Course, user_id: int, form: SecondChanceForm | None):
    detail = learner_detail.build(cohort, course, user_id)
    if detail is None:
        abort(404)
    progress = progress_for(user_id, course)
    return render_template(
        "cohorts/learner.html",
        cohort=cohort,
        detail=detail,
        course=course,
        progress=progress,
        block_attestations=attestations_of(user_id, course.slug),
        form=form or _second_chance_form(course, progress),
        remove_form=RemoveLearnerForm(formdata=None),
        time=learning_time(user_id, course),
        learner_id=user_id,
    )


@bp.get("/cohorts/<int:cohort_id>/learners/<int:user_id>")
@trainer_required
def learner(cohort_id: int, user_id: int) -> str:
    cohort = _cohort_or_404(cohort_id)
    return _learner_page(cohort, _course_or_404(cohort), user_id, None)


@bp.post("/cohorts/<int:cohort_id>/learners/<int:user_id>/second-chances")
@trainer_required
def grant_second_chance(cohort_id: int, user_id: int) -> str | Response:
    """Grant extra attempts, reopen a role-play or excuse a requirement, with a reason."""
    cohort = _cohort_or_404(cohort_id)
    course = _course_or_404(cohort)
    if not services.is_member(cohort, user_id):
        abort(404)
    form = _second_chance_form(course, progress_for(user_id, course))
    if form.validate_on_submit():
        try:
            trainer = current_user._get_current_object()  # the User, not the request's proxy
            second_chances.grant(
                trainer, cohort, course, user_id, form.action.data or "",
                form.reason.data or "", form.attempts.data or 1,
            )  # fmt: skip
        except LookupError:
            abort(404)
        except second_chances.SecondChanceError as exc:
            form.action.errors.append(str(exc))  # type: ignore[attr-defined]
        else:
            flash(_("Done: the learner is told, and it is on the record."), "success")
            return redirect(
                url_for("cohorts.learner", cohort_id=cohort.id, user_id=user_id) + "#second-chances"
            )
    return _learner_page(cohort, course, user_id, form), 422  # type: ignore[return-value]
