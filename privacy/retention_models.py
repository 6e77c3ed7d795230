"""The one table of the retention rules: when an inactive learner was warned by mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.timeutil import utcnow


class InactivityWarning(db.Model):
    """The warning mail sent to a learner before their inactive account is erased.

    One row per account. A warning older than the account's last activity is void: the learner
    came back, and a new period of inactivity needs a new warning before any purge.
    """

    __tablename__ = "inactivity_warnings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    warned_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The last activity the warning was about (shown in the mail, kept to explain the purge).
    last_activity_at: Mapped[datetime] = mapped_column(DateTime)
