"""Consent pages: a learner's invitations and groups (accept, decline, leave), a trainer's
"invite one learner" and "remove from the cohort". Thin: rules are in cohorts.membership."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from cohorts import csv_import, membership, services
from cohorts.forms import ImportForm, InviteOneForm, RemoveLearnerForm
from courses.loader import get_course
from courses.sections import Section, register_dashboard_section
from training.access import trainer_required
from training.forms import EmptyForm

bp = Blueprint("membership", __name__)


def invitations_section(user) -> Section | None:  # noqa: ANN001 - the signed-in user
    """Dashboard: pending invitations first, with their Accept / Decline buttons."""
    if not getattr(user, "is_authenticated", False):
        return None
    pending = membership.pending_for(user)
    if not pending:
        return None
    return Section(
        "cohorts/_invitations_section.html",
        {"pending": pending, "form": EmptyForm(formdata=None)},
        order=1,
    )


register_dashboard_section(invitations_section)


@bp.get("/invitations")
@login_required
def invitations() -> str:
    return render_template(
        "cohorts/invitations.html",
        pending=membership.pending_for(current_user),
        groups=membership.memberships_of(current_user),
        form=EmptyForm(formdata=None),
    )


def _checked_post() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


def _own_invitation_or_404(invitation_id: int) -> None:
    try:
        membership.own_pending(current_user, invitation_id)
    except LookupError:
        abort(404)


@bp.post("/invitations/<int:invitation_id>/accept")
@login_required
def accept(invitation_id: int) -> Response:
    _own_invitation_or_404(invitation_id)
    _checked_post()
    try:
        cohort = membership.accept(current_user, invitation_id)
    except LookupError:
        abort(404)
    except services.CohortError as exc:
        flash(str(exc), "error")
        return redirect(url_for("membership.invitations"))
    flash(_("Welcome to “%(name)s”!", name=cohort.name), "success")
    if get_course(cohort.course_slug) is not None:
        return redirect(url_for("courses.course", slug=cohort.course_slug))
    return redirect(url_for("membership.invitations"))


@bp.post("/invitations/<int:invitation_id>/decline")
@login_required
def decline(invitation_id: int) -> Response:
    _own_invitation_or_404(invitation_id)
    _checked_post()
    try:
        cohort = membership.decline(current_user, invitation_id)
    except LookupError:
        abort(404)
    flash(_("You declined the invitation to “%(name)s”.", name=cohort.name), "info")
    return redirect(url_for("membership.invitations"))


@bp.post("/groups/<int:cohort_id>/leave")
@login_required
def leave(cohort_id: int) -> Response:
    cohort = services.cohort_or_none(cohort_id)
    if cohort is None or not services.is_member(cohort, current_user.id):
        abort(404)
    _checked_post()
    try:
        cohort = membership.leave(current_user, cohort_id)
    except LookupError:
        abort(404)
    flash(
        _("You left “%(name)s”. Its trainers no longer see your work, which you keep.",
          name=cohort.name),
        "success",
    )  # fmt: skip
    return redirect(url_for("membership.invitations"))


# Trainer side ----------------------------------------------------------------------------


def _cohort_or_404(cohort_id: int):  # noqa: ANN202
    cohort = services.cohort_for(current_user, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


@bp.post("/cohorts/<int:cohort_id>/invite")
@trainer_required
def invite_one(cohort_id: int) -> str | Response:
    cohort = _cohort_or_404(cohort_id)
    form = InviteOneForm()
    if form.validate_on_submit():
        roster = csv_import.parse_roster(
            csv_import.one_row(form.email.data or "", form.name.data or "")
        )
        if roster.ok:
            course = get_course(cohort.course_slug)
            summary = csv_import.import_roster(
                cohort, roster, language=course.language if course else "en", trainer=current_user
            )
            if summary.invited:
                flash(_("Invitation sent. The learner appears once they accept."), "success")
            else:
                flash(_("This learner is already in the cohort."), "info")
            return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))
        for problem in roster.problems:
            form.email.errors.append(problem.message)  # type: ignore[attr-defined]
    return render_template(
        "cohorts/import.html",
        cohort=cohort,
        form=ImportForm(formdata=None),
        invite_form=form,
        problems=[],
    ), 422  # type: ignore[return-value]


@bp.post("/cohorts/<int:cohort_id>/learners/<int:user_id>/remove")
@trainer_required
def remove(cohort_id: int, user_id: int) -> Response:
    cohort = _cohort_or_404(cohort_id)
    if not services.is_member(cohort, user_id):
        abort(404)
    form = RemoveLearnerForm()
    if not form.validate_on_submit():
        flash(_("Give a reason: it is kept in the audit log."), "error")
        return redirect(url_for("cohorts.learner", cohort_id=cohort.id, user_id=user_id))
    try:
        membership.remove(current_user, cohort, user_id, form.reason.data)
    except services.CohortError as exc:
        flash(str(exc), "error")
        return redirect(url_for("cohorts.learner", cohort_id=cohort.id, user_id=user_id))
    except LookupError:
        abort(404)
    flash(_("The learner is removed from the cohort. Their work is kept."), "success")
    return redirect(url_for("cohorts.dashboard", cohort_id=cohort.id))
