"""One clock for the whole app: naive UTC datetimes, identical on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC without tzinfo (how every timestamp is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)
