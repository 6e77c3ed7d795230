"""Trainers reply to role-play reflections; learners read the replies (issue 17).

The reply route belongs to the cohorts blueprint (the cohort's trainers and admins; another
trainer's cohort is a 404, as is a run that is not this member's, in this course). The
learner's side: a dashboard section listing replies, and ``reflection_reply`` for the debrief.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from cohorts import replies, services
from cohorts.views import _cohort_or_404, _course_or_404, bp
from courses.roleplay_models import RoleplayRun
from courses.sections import Section, register_dashboard_section
from training.access import trainer_required
from training.extensions import db


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Your reply"), validators=[DataRequired(), Length(max=replies.MAX_REPLY)]
    )


@bp.post("/cohorts/<int:cohort_id>/learners/<int:user_id>/runs/<int:run_id>/reply")
@trainer_required
def reply_to_reflection(cohort_id: int, user_id: int, run_id: int) -> Response:
    cohort = _cohort_or_404(cohort_id)
    course = _course_or_404(cohort)
    if not services.is_member(cohort, user_id):
        abort(404)
    run = db.session.get(RoleplayRun, run_id)
    if run is None or run.user_id != user_id or run.course_slug != course.slug:
        abort(404)
    form = ReplyForm(prefix=f"r{run.id}")
    target = url_for("cohorts.learner", cohort_id=cohort.id, user_id=user_id) + f"#run-{run.id}"
    if not form.validate_on_submit():
        flash(_("Write a reply of at most %(num)d characters.", num=replies.MAX_REPLY), "error")
        return redirect(target)
    try:
        replies.save_reply(run, current_user._get_current_object(), form.body.data or "", cohort.id)
    except replies.ReplyError:
        flash(_("This run has no reflection to reply to."), "error")
        return redirect(target)
    flash(_("Your reply is saved; the learner is told by mail."), "success")
    return redirect(target)


def reply_form(run_id: int, body: str = "") -> ReplyForm:
    return ReplyForm(prefix=f"r{run_id}", formdata=None, body=body)


def reflection_reply(run_id: int) -> Any:
    return replies.reply_for(run_id)


def replies_section(user: Any) -> Section | None:
    """The learner's dashboard: trainers' replies to their reflections, newest first."""
    rows = db.session.execute(
        select(replies.ReflectionReply, RoleplayRun)
        .join(RoleplayRun, RoleplayRun.id == replies.ReflectionReply.run_id)
        .where(RoleplayRun.user_id == user.id)
        .order_by(replies.ReflectionReply.updated_at.desc())
        .limit(5)
    ).all()
    if not rows:
        return None
    return Section("cohorts/_replies_section.html", {"reply_rows": rows}, 15)


register_dashboard_section(replies_section)
bp.add_app_template_global(reply_form, "reply_form")
bp.add_app_template_global(reflection_reply, "reflection_reply")
