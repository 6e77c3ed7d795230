"""The "download my data" feature: ask, build in the background, mail a link, download once.

Use cases (plain functions; views, tasks and tests call them):

- :func:`request_export` (account page): refuses while another export is pending or being
  built, and beyond ``DATA_EXPORT_DAILY_LIMIT`` requests in 24 hours; a ready, unused export
  is replaced (its link stops working). Stores a ``pending`` row and queues the build task.
  *Always* in the background, whatever the size: the archive holds rendered PDFs (seconds of
  WeasyPrint per course), too slow for a web request; tests run the queue in immediate mode.
- ``privacy.export_tasks.build`` (task ``privacy.export``): gathers the data
  (``privacy.export_archive``), stores the ZIP with a fresh token's SHA-256 and mails the
  link (in the owner's language).
- :func:`download`: the bytes, once, for the owner, before ``expires_at``
  (``DATA_EXPORT_LINK_DAYS``, default 7); the stored bytes are dropped as it is spent.
  Someone else's or an unknown token: :class:`ExportNotFound` (a 404, as if nothing were
  there); the owner's spent or expired link: :class:`ExportGone`.
- ``privacy.export_tasks.sweep`` (every 15 minutes): drops expired archives, re-queues builds
  whose task was lost, marks builds stuck for an hour as failed.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from privacy import export_models as m
from privacy.export_models import ExportRequest
from training import audit, queue
from training.extensions import db
from training.links import external_url
from training.models import User
from training.timeutil import utcnow

log = logging.getLogger("passerelle.privacy")
TASK = "privacy.export"
LOST_AFTER = timedelta(minutes=10)  # a pending request whose task never started
STUCK_AFTER = timedelta(hours=1)


class ExportError(ValueError):
    """A request refused; the message is safe to show."""


class ExportNotFound(LookupError):
    """No export of this user has this token."""


class ExportGone(LookupError):
    """The owner's link was used already or has expired."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def latest_for(user: User) -> ExportRequest | None:
    return db.session.scalars(
        select(ExportRequest)
        .where(ExportRequest.user_id == user.id)
        .order_by(ExportRequest.id.desc())
        .limit(1)
    ).first()


def drop(where: object, status: str, now: datetime) -> int:
    result = db.session.execute(
        update(ExportRequest)
        .where(where)  # type: ignore[arg-type]
        .values(status=status, archive=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def request_export(user: User, now: datetime | None = None) -> ExportRequest:
    """Ask for a new export of ``user``'s data (see the module); commits and queues it."""
    now = now or utcnow()
    rows = db.session.execute(
        select(ExportRequest.status, ExportRequest.created_at).where(
            ExportRequest.user_id == user.id
        )
    ).all()
    if any(status in m.IN_PROGRESS for status, _created in rows):
        raise ExportError(_("Your data is already being prepared: you will get a mail soon."))
    limit = current_app.config["DATA_EXPORT_DAILY_LIMIT"]
    recent = sum(1 for _status, created in rows if created > now - timedelta(days=1))
    if recent >= limit:
        raise ExportError(
            _("You have asked for your data %(count)d times today; try again tomorrow.",
              count=recent)
        )  # fmt: skip
    drop((ExportRequest.user_id == user.id) & (ExportRequest.status == m.READY), m.EXPIRED, now)
    record = ExportRequest(
        user_id=user.id, status=m.PENDING, language=user.language, created_at=now
    )
    db.session.add(record)
    audit.record("privacy.export_request", actor=user, subject_user_id=user.id)
    db.session.commit()
    queue.enqueue(TASK, record.id)
    return record


def store(record: ExportRequest, data: bytes, now: datetime) -> str:
    """Make ``record`` ready with ``data``; returns the link's token (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    record.token_hash = hash_token(token)
    record.archive, record.archive_size = data, len(data)
    record.status, record.ready_at = m.READY, now
    record.expires_at = now + timedelta(days=current_app.config["DATA_EXPORT_LINK_DAYS"])
    db.session.commit()
    return token


def download_url(token: str) -> str:
    return external_url("privacy.download_export", token=token)


def download(token: str, user: User, now: datetime | None = None) -> tuple[ExportRequest, bytes]:
    """Spend the link and return the archive (see the module for the errors)."""
    now = now or utcnow()
    record = None
    if token and len(token) <= 200:
        record = db.session.scalars(
            select(ExportRequest).where(ExportRequest.token_hash == hash_token(token))
        ).first()
    if record is None or record.user_id != user.id:
        raise ExportNotFound(token)
    if record.status != m.READY or record.expires_at is None or record.expires_at <= now:
        raise ExportGone(token)
    data = record.archive
    spent = db.session.execute(
        update(ExportRequest)
        .where(
            ExportRequest.id == record.id,
            ExportRequest.status == m.READY,
            ExportRequest.expires_at > now,
        )
        .values(status=m.DOWNLOADED, downloaded_at=now, archive=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent == 1:
        audit.record("privacy.export_download", actor=user, subject_user_id=user.id)
    db.session.commit()
    if spent != 1 or data is None:  # a simultaneous download spent it first
        raise ExportGone(token)
    return record, data
