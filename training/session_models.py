"""Server-side sessions, remember-me tokens and the per-account login backoff (tables only).

Only hashes of the secrets are stored: a copy of the database lets nobody resume a session.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.timeutil import utcnow


class UserSession(db.Model):
    """One signed-in browser. The cookie carries a random token; its SHA-256 is ``token_hash``.

    The session is over when ``ended_at`` is set (logout, password change or reset, "log out
    of every other device"), after ``SESSION_IDLE_MINUTES`` without a request, or at
    ``expires_at`` (``SESSION_ABSOLUTE_HOURS`` after it began) whatever happens.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The remember-me chain that opened this session, if any (ended with it).
    remember_family: Mapped[str | None] = mapped_column(String(32), index=True)
    # A short description of the browser, for the account page's list of sessions.
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class RememberToken(db.Model):
    """A "keep me logged in" token. Each use replaces it by a new one of the same ``family``;
    presenting a replaced token again (a stolen copy) revokes the whole family. The family
    ends at ``expires_at`` (``REMEMBER_DAYS`` after the login), however often it rotates."""

    __tablename__ = "remember_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family: Mapped[str] = mapped_column(String(32), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class LoginThrottle(db.Model):
    """Failed logins per submitted address (hashed), whether or not it has an account."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime)
