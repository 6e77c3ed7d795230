"""The export's background work: build an archive and mail its link; sweep old ones.

``privacy.export`` (queued by :func:`privacy.export.request_export`) and
``privacy.export_sweep`` (every 15 minutes). Plain functions: tests call them directly.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from privacy import export_models as m
from privacy.export import LOST_AFTER, STUCK_AFTER, TASK, download_url, drop, store
from privacy.export_models import ExportRequest
from training import queue
from training.dates import format_datetime
from training.extensions import db
from training.mail import send_mail
from training.models import User
from training.timeutil import utcnow

log = logging.getLogger("passerelle.privacy")


def _claim(request_id: int, now: datetime) -> bool:
    result = db.session.execute(
        update(ExportRequest)
        .where(ExportRequest.id == request_id, ExportRequest.status == m.PENDING)
        .values(status=m.BUILDING, started_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


@queue.task(TASK)
def build(request_id: int, now: datetime | None = None) -> str:
    """Build one export and mail its link; returns its new status (or ``"skipped"`` when
    another worker has it or it is no longer pending)."""
    from privacy.export_archive import build as build_archive

    now = now or utcnow()
    if not _claim(request_id, now):
        return "skipped"
    record = db.session.get(ExportRequest, request_id)
    user = db.session.get(User, record.user_id)
    try:
        data = build_archive(user, now)
    except Exception as error:  # a render or a query failed: say so, keep the worker alive
        db.session.rollback()
        record = db.session.get(ExportRequest, request_id)
        record.status, record.error = m.FAILED, f"{type(error).__name__}: {error}"[:2000]
        db.session.commit()
        log.exception("Data export %s failed", request_id)
        return m.FAILED
    token = store(record, data, now)
    _mail_link(user, token, record.expires_at)
    return m.READY


def _mail_link(user: User, token: str, expires_at: datetime | None) -> None:
    with force_locale(user.language):
        until = format_datetime(expires_at)  # the one style, in the organisation's time zone
        send_mail(
            user,
            _("Your Passerelle data is ready"),
            _(
                "Hello %(name)s,\n\nThe archive of your data you asked for is ready. Log in, "
                "then open this link to download it (it works once, for you only, until "
                "%(when)s):\n%(url)s\n\nIf you did not ask for it, change your password "
                "and tell us.",
                name=user.display_name,
                when=until,
                url=download_url(token),
            ),
            kind="data_export",
        )


@queue.periodic("privacy.export_sweep", minute="*/15")
def sweep(now: datetime | None = None) -> int:
    """Drop expired archives, re-queue lost builds, fail stuck ones; returns archives dropped."""
    now = now or utcnow()
    dropped = drop(
        (ExportRequest.status == m.READY) & (ExportRequest.expires_at <= now), m.EXPIRED, now
    )
    db.session.execute(
        update(ExportRequest)
        .where(ExportRequest.status == m.BUILDING, ExportRequest.started_at < now - STUCK_AFTER)
        .values(status=m.FAILED, error="the build did not finish within an hour")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    lost = db.session.scalars(
        select(ExportRequest.id).where(
            ExportRequest.status == m.PENDING, ExportRequest.created_at < now - LOST_AFTER
        )
    ).all()
    for request_id in lost:
        queue.enqueue(TASK, request_id)
    return dropped
