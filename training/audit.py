"""The audit log: who did what to whom, when and why. Append-only: nothing is edited, and only
the retention rules remove old events (certificate events never; docs/data-retention.md).

One table for every feature (certificates issued, revoked and reissued, trainer overrides,
removals from a cohort, role changes…), so an admin reads one history. ``record`` adds an event
to the caller's transaction without committing: the event lands with the change it describes,
or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.timeutil import utcnow

SYSTEM_ACTOR = "system"
CLI_ACTOR = "CLI"


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who acted, as text that survives the account: an email, "CLI" or "system".
    actor_label: Mapped[str] = mapped_column(String(254))
    # A dotted name owned by the feature that records it: "certificate.issue", "cohort.remove"…
    action: Mapped[str] = mapped_column(String(48), index=True)
    # The learner the event is about, the cohort and certificate it concerns, where there is one.
    subject_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), index=True
    )
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="RESTRICT"), index=True
    )
    course_slug: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def actor_label_of(actor: Any, fallback: str = SYSTEM_ACTOR) -> str:
    return actor.email if actor is not None else fallback


def record(
    action: str,
    *,
    actor: Any = None,
    actor_label: str | None = None,
    subject_user_id: int | None = None,
    cohort_id: int | None = None,
    certificate_id: int | None = None,
    course_slug: str | None = None,
    reason: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an event to the current transaction (the caller commits). ``actor`` None is the CLI
    or the system, named by ``actor_label``."""
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label_of(actor, actor_label or SYSTEM_ACTOR),
        action=action,
        subject_user_id=subject_user_id,
        cohort_id=cohort_id,
        certificate_id=certificate_id,
        course_slug=course_slug,
        reason=reason,
        detail=detail,
    )
    db.session.add(event)
    return event


def events(
    *,
    action: str | None = None,
    action_prefix: str | None = None,
    actor_id: int | None = None,
    subject_user_id: int | None = None,
    cohort_id: int | None = None,
    certificate_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
) -> list[AuditEvent]:
    """Events matching every filter given, oldest first (or newest first)."""
    statement = select(AuditEvent)
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    if action_prefix is not None:
        statement = statement.where(AuditEvent.action.startswith(action_prefix))
    for column, value in (
        (AuditEvent.actor_id, actor_id),
        (AuditEvent.subject_user_id, subject_user_id),
        (AuditEvent.cohort_id, cohort_id),
        (AuditEvent.certificate_id, certificate_id),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if since is not None:
        statement = statement.where(AuditEvent.at >= since)
    if until is not None:
        statement = statement.where(AuditEvent.at < until)
    order = (
        (AuditEvent.at.desc(), AuditEvent.id.desc())
        if newest_first
        else (
            AuditEvent.at,
            AuditEvent.id,
        )
    )
    statement = statement.order_by(*order).offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return list(db.session.execute(statement).scalars())
