"""Dated learner actions: the raw material of measured learning time and of the evidence log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.timeutil import utcnow

ACTIVITIES = ("module", "quiz", "roleplay", "course", "nav")


class LearningEvent(db.Model):
    """One request of a learner that belongs to learning (written by ``proof.recording``).

    Append-only. ``ref_id`` is the quiz attempt or role-play run the request was about, when it
    names one. Kept ``DATA_RETENTION_EVIDENCE_DAYS`` (``flask proof purge``).
    """

    __tablename__ = "learning_events"
    __table_args__ = (
        CheckConstraint(
            "activity IN ('module', 'quiz', 'roleplay', 'course', 'nav')", name="activity_valid"
        ),
        Index("ix_learning_events_user_at", "user_id", "at"),
        Index("ix_learning_events_course_user", "course_slug", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    course_slug: Mapped[str] = mapped_column(String(100), default="")
    activity: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(120), default="")
    action: Mapped[str] = mapped_column(String(16))
    ref_id: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<LearningEvent {self.at:%Y-%m-%d %H:%M} {self.activity}/{self.key} {self.action}>"
