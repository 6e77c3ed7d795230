"""Enrolments and reading progress (content itself lives in files, see courses.loader)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.timeutil import utcnow


class Enrolment(db.Model):
    """A learner follows a course (self-enrolled, or through a cohort)."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(100), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), index=True
    )


class ModuleProgress(db.Model):
    """When a learner first and last opened a module, and when they marked it as done."""

    __tablename__ = "module_progress"
    __table_args__ = (
        UniqueConstraint("user_id", "course_slug", "module_stem"),
        Index("ix_module_progress_course_user", "course_slug", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(100))
    module_stem: Mapped[str] = mapped_column(String(100))
    first_opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
