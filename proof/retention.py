"""How long evidence is kept: ``DATA_RETENTION_EVIDENCE_DAYS`` (default 2192, six years) after
the event. One of the retention policies of ``privacy.retention`` (docs/data-retention.md).

``purge(now)`` deletes the learning events older than that (one DELETE). Quiz attempts,
role-play runs and certificates are not touched: they are results, kept by their own rules.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from proof.models import LearningEvent
from training.extensions import db
from training.timeutil import utcnow


def cutoff(now: datetime | None = None) -> datetime:
    """Events before this moment are past retention."""
    return (now or utcnow()) - timedelta(days=retention_days())


def retention_days() -> int:
    return int(current_app.config.get("DATA_RETENTION_EVIDENCE_DAYS") or 2192)


def expired_count(now: datetime | None = None) -> int:
    query = select(func.count()).where(LearningEvent.at < cutoff(now))
    return int(db.session.execute(query).scalar_one())


def purge(now: datetime | None = None) -> int:
    """Delete the learning events past retention; returns how many. Commits."""
    result = db.session.execute(delete(LearningEvent).where(LearningEvent.at < cutoff(now)))
    db.session.commit()
    return int(result.rowcount or 0)
