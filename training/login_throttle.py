"""Per-account backoff on failed logins (the client address has its own limit, in the views).

Contract: keyed on the SHA-256 of the submitted address, normalised, whether or not it has an
account, so the backoff itself says nothing about who is registered.

- The first ``LOGIN_BACKOFF_FREE`` failures (default 5) cost nothing. Each further failure
  blocks the address for 2, 4, 8… seconds, at most ``LOGIN_BACKOFF_MAX_SECONDS`` (default 300):
  at most about 12 guesses an hour once the cap is reached, while the real owner, if an attacker
  is hammering their address, waits minutes and is never locked out for good (ASVS 5.0 V6.3).
- A blocked address is refused before its password is checked (no guess is spent).
- Failures older than ``LOGIN_BACKOFF_WINDOW_MINUTES`` (default 60) are forgotten; a
  successful login forgets them at once.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from training.extensions import db
from training.session_models import LoginThrottle
from training.timeutil import utcnow


def _key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def delay_after(failures: int, free: int, cap: int) -> int:
    """Seconds an address waits after ``failures`` failures (pure)."""
    if failures < free:
        return 0
    return min(cap, 2 ** (failures - free + 1))


def seconds_to_wait(email: str, now: datetime | None = None) -> int:
    """0 when the address may try now, else the whole seconds left (rounded up)."""
    now = now or utcnow()
    blocked = db.session.execute(
        select(LoginThrottle.blocked_until).where(LoginThrottle.key == _key(email))
    ).scalar()
    if blocked is None or blocked <= now:
        return 0
    return math.ceil((blocked - now).total_seconds())


def record_failure(email: str, now: datetime | None = None) -> int:
    """Count one failure (atomic upsert, commits); returns the seconds the address now waits."""
    config = current_app.config
    free = int(config["LOGIN_BACKOFF_FREE"])
    cap = int(config["LOGIN_BACKOFF_MAX_SECONDS"])
    window = timedelta(minutes=int(config["LOGIN_BACKOFF_WINDOW_MINUTES"]))
    now = now or utcnow()
    key = _key(email)
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    stale = LoginThrottle.last_failure_at < now - window
    statement = insert(LoginThrottle).values(key=key, failures=1, last_failure_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[LoginThrottle.key],
        set_={
            "failures": case((stale, 1), else_=LoginThrottle.failures + 1),
            "last_failure_at": now,
        },
    )
    db.session.execute(statement)
    failures = db.session.execute(
        select(LoginThrottle.failures).where(LoginThrottle.key == key)
    ).scalar_one()
    wait = delay_after(failures, free, cap)
    if wait:
        db.session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(blocked_until=now + timedelta(seconds=wait))
        )
    db.session.commit()
    return wait


def record_success(email: str) -> None:
    """Forget the address's failures (no commit: the login's own commit carries it)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == _key(email)))
