"""Quiz attempts: one row per attempt, with its drawn questions and answers stored server-side."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.timeutil import utcnow

IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"


class Attempt(db.Model):
    """One attempt at a module's quiz (counted, or a practice run of missed questions).

    ``questions`` holds the draw: ``[{"id": question id, "order": [original indices in display
    order]}]`` (``order`` is for choices, matching right-hand options and ordering items).
    ``answers`` maps question id → answer in the shapes of ``quizzes.grading`` (ORIGINAL indices).
    """

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # Two tabs starting "attempt N" at once: only one insert wins.
        UniqueConstraint(
            "user_id", "course_slug", "quiz_stem", "practice", "number", name="attempt_number"
        ),
        # At most one attempt in progress per learner, quiz and kind.
        Index(
            "one_attempt_in_progress",
            "user_id",
            "course_slug",
            "quiz_stem",
            "practice",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
        CheckConstraint("status IN ('in_progress', 'submitted')", name="status_valid"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(80))
    quiz_stem: Mapped[str] = mapped_column(String(120))
    number: Mapped[int] = mapped_column(Integer)
    practice: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(DateTime)
    saved_at: Mapped[datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    score_points: Mapped[float | None] = mapped_column(Float)
    max_points: Mapped[float | None] = mapped_column(Float)
    percent: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    content_version: Mapped[str] = mapped_column(String(64), default="")

    @property
    def submitted(self) -> bool:
        return self.status == SUBMITTED

    @property
    def question_ids(self) -> list[str]:
        return [entry["id"] for entry in self.questions]

    def __repr__(self) -> str:
        kind = "practice" if self.practice else "attempt"
        return f"<Attempt {self.id} {self.course_slug}/{self.quiz_stem} {kind} {self.number}>"
