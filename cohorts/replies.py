"""Trainers' replies to role-play reflections (issue 17).

A learner may write a reflection on a finished role-play run (``RoleplayRun.reflection``); a
trainer of a cohort the learner belongs to (for that course), or an admin, replies once and may
edit the reply. The learner reads it on the run's debrief and on their dashboard; trainers see
which reflections await a reply on the learner page and in the weekly digest.
``training.signals.reflection_replied`` tells the mail feature.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import DateTime, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from courses.roleplay_models import RoleplayRun
from training import audit
from training.extensions import db
from training.models import CohortMember, User
from training.signals import reflection_replied
from training.timeutil import utcnow

MAX_REPLY = 4000


class ReflectionReply(db.Model):
    __tablename__ = "reflection_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("roleplay_runs.id", ondelete="CASCADE"), unique=True
    )
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    trainer_label: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ReplyError(ValueError):
    """A reply that cannot be saved (empty, too long, nothing to reply to)."""


def reply_for(run_id: int) -> ReflectionReply | None:
    return db.session.execute(
        select(ReflectionReply).where(ReflectionReply.run_id == run_id)
    ).scalar_one_or_none()


def replies_for_runs(run_ids: list[int]) -> dict[int, ReflectionReply]:
    if not run_ids:
        return {}
    rows = db.session.execute(
        select(ReflectionReply).where(ReflectionReply.run_id.in_(run_ids))
    ).scalars()
    return {reply.run_id: reply for reply in rows}


def save_reply(
    run: RoleplayRun, trainer: User, body: str, cohort_id: int | None
) -> ReflectionReply:
    """Save (or edit) the reply to ``run``'s reflection; commits, then signals."""
    body = (body or "").strip()
    if not run.reflection:
        raise ReplyError("This run has no reflection to reply to.")
    if not body:
        raise ReplyError("Write a reply first.")
    if len(body) > MAX_REPLY:
        raise ReplyError(f"A reply has at most {MAX_REPLY} characters.")
    # Read the trainer before adding the reply: a trainer object expired by an earlier commit
    # reloads on first access, and that query's autoflush would insert a half-filled reply.
    trainer_id, trainer_label = trainer.id, trainer.display_name
    reply = reply_for(run.id)
    now = utcnow()
    if reply is None:
        reply = ReflectionReply(run_id=run.id, created_at=now)
        db.session.add(reply)
    reply.trainer_id = trainer_id
    reply.trainer_label = trainer_label
    reply.body = body
    reply.updated_at = now
    audit.record(
        "reflection.reply",
        actor=trainer,
        subject_user_id=run.user_id,
        cohort_id=cohort_id,
        course_slug=run.course_slug,
        run=run.id,
        scenario=run.scenario_slug,
    )
    db.session.commit()
    app = current_app._get_current_object()
    reflection_replied.send(app, run=run, trainer=trainer, reply=reply)
    return reply


def awaiting_reply(cohort: Any) -> list[tuple[User, RoleplayRun]]:
    """Reflections of the cohort's members in its course that no one has replied to yet,
    oldest first."""
    rows = db.session.execute(
        select(User, RoleplayRun)
        .join(RoleplayRun, RoleplayRun.user_id == User.id)
        .join(CohortMember, CohortMember.user_id == User.id)
        .outerjoin(ReflectionReply, ReflectionReply.run_id == RoleplayRun.id)
        .where(
            CohortMember.cohort_id == cohort.id,
            RoleplayRun.course_slug == cohort.course_slug,
            RoleplayRun.reflection.is_not(None),
            RoleplayRun.reflection != "",
            ReflectionReply.id.is_(None),
        )
        .order_by(RoleplayRun.reflection_saved_at, RoleplayRun.id)
    ).all()
    return [(user, run) for user, run in rows]
