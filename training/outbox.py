"""The mail outbox: every mail is a row first, then a delivery task; nothing is lost.

Life of a message: ``pending`` → ``sending`` (claimed by one worker with a conditional UPDATE)
→ ``sent``; a refusal the server calls temporary (4xx, no connection) sets ``retry`` with an
exponential backoff, a permanent one (5xx for the recipient or the message, no SMTPUTF8 for a
non-ASCII address) or too many attempts set ``dead`` — the dead-letter state, logged at ERROR
and kept for an admin to read. ``idempotency_key`` is unique: the same reminder queued twice is
stored once, and of two workers handed the same message only the one whose claim matched sends.

:func:`sweep` (every minute) enqueues messages whose retry time has come and takes back those
stuck in ``sending`` (a worker that died mid-send): that message may then go out twice, the one
case where delivery is at-least-once.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    event,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from training import queue as task_queue
from training.extensions import db
from training.timeutil import utcnow

log = logging.getLogger("passerelle.mail")

STATUSES = ("pending", "sending", "sent", "retry", "dead")
DELIVER = "mail.deliver"
STUCK_AFTER = timedelta(minutes=15)
FRESH = timedelta(minutes=1)  # a new message's own delivery task has it; the sweep waits


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'retry', 'dead')", name="status_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(160), default="")
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


def add(*, commit: bool = True, **fields: Any) -> OutboxMessage | None:
    """Store a message (committing the caller's pending work with it) and enqueue its delivery.

    None when a message with the same ``key`` exists already. With ``commit=False`` the message
    joins the caller's transaction, which then calls :func:`deliver_committed` after its commit
    (a rollback drops both): many mails of one action (a roster import) cost one commit. The
    caller owns the commit, so use it with unique keys only (a new key per message).
    """
    key = fields.pop("key")
    if commit:
        exists = db.session.execute(
            select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)
        ).first()
        if exists is not None:
            return None
    now = utcnow()
    message = OutboxMessage(
        idempotency_key=key, status="pending", attempts=0, created_at=now, next_attempt_at=now,
        **fields,
    )  # fmt: skip
    db.session.add(message)
    if not commit:
        db.session.flush()
        db.session().info.setdefault(_AFTER_COMMIT, []).append(message.id)
        return message
    try:
        db.session.commit()
    except IntegrityError:  # a simultaneous caller stored the same key first
        db.session.rollback()
        return None
    task_queue.enqueue(DELIVER, message.id)
    return message


_AFTER_COMMIT = "outbox_after_commit"


def deliver_committed() -> None:
    """Enqueue the delivery of what ``add(commit=False)`` stored, once the caller committed.

    Called by the caller after its commit (not from a commit hook: a queue that runs tasks at
    once, as the tests' does, would then deliver from inside the ending transaction). Forgotten,
    the messages still go: :func:`sweep` enqueues pending ones after ``FRESH``.
    """
    for message_id in db.session().info.pop(_AFTER_COMMIT, ()):
        task_queue.enqueue(DELIVER, message_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(message_id: int, now: datetime) -> bool:
    """Take the message for this worker; True for exactly one of several simultaneous calls."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status.in_(("pending", "retry")),
            OutboxMessage.next_attempt_at <= now,
        )
        .values(
            status="sending",
            attempts=OutboxMessage.attempts + 1,
            claimed_at=now,
            claimed_by=_worker_id(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def is_permanent(error: BaseException) -> bool:
    """A refusal that another attempt cannot fix (RFC 5321: 5xx), or no SMTPUTF8 on offer."""
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False  # a configuration problem: fixed by the admin, then the retry succeeds
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def backoff(attempts: int) -> int:
    """Seconds before attempt ``attempts + 1``: base, twice, four times… capped at an hour."""
    base = current_app.config["MAIL_RETRY_SECONDS"]
    return int(min(base * 2 ** max(attempts - 1, 0), 3600))


@task_queue.task(DELIVER)
def deliver(message_id: int, now: datetime | None = None) -> str:
    """Send one outbox message if it is due and nobody else has it; returns its new status
    (or ``"skipped"``). A plain function: tests call it directly."""
    from training.mail import build_message, transmit

    now = now or utcnow()
    if not _claim(message_id, now):
        return "skipped"
    message = db.session.get(OutboxMessage, message_id)
    config = current_app.config
    try:
        transmit(build_message(message, config), config)
    except (smtplib.SMTPException, OSError) as error:
        reason = f"{type(error).__name__}: {error}"[:2000]
        message.last_error = reason
        if is_permanent(error) or message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            message.status = "dead"
            db.session.commit()
            log.error(
                "Mail %s (%s to %s) is dead after %d attempts: %s",
                message.id, message.kind, message.to_address, message.attempts, reason,
            )  # fmt: skip
            return "dead"
        delay = backoff(message.attempts)
        message.status = "retry"
        message.next_attempt_at = now + timedelta(seconds=delay)
        db.session.commit()
        log.warning(
            "Mail %s to %s failed (attempt %d), retrying in %ds: %s",
            message.id, message.to_address, message.attempts, delay, reason,
        )  # fmt: skip
        task_queue.enqueue(DELIVER, message.id, delay=delay)
        return "retry"
    message.status = "sent"
    message.sent_at = utcnow()
    message.last_error = None
    db.session.commit()
    log.info("Mail %s (%s) sent to %s", message.id, message.kind, message.to_address)
    return "sent"


@task_queue.periodic("mail.sweep", minute="*")
def sweep(now: datetime | None = None) -> int:
    """Deliver what is due (retries whose time has come, messages whose enqueue was lost) and
    take back messages stuck in ``sending``; returns how many deliveries were attempted."""
    now = now or utcnow()
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - STUCK_AFTER)
        .values(status="retry")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    due = (
        db.session.execute(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status.in_(("pending", "retry")),
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.status == "retry", OutboxMessage.created_at < now - FRESH),
            )
            .order_by(OutboxMessage.id)
            .limit(500)
        )
        .scalars()
        .all()
    )
    for message_id in due:
        deliver(message_id, now)
    return len(due)


def dead_letters(limit: int = 100) -> list[OutboxMessage]:
    return list(
        db.session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.status == "dead")
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        ).scalars()
    )
