"""Per-question results of submitted quiz attempts, so the group insight counts them in SQL.

An attempt's answers are JSON graded by Python (``quizzes.grading``), which SQL cannot do;
``cohorts.insight`` grades each submitted attempt ONCE per content version, stores one row per
question here, and from then on aggregates these rows with GROUP BY (no attempt object
loaded, no JSON decoded on a page view). A new content version (a corrected key) regrades.
``InsightSnapshot`` keeps the last counts of each cohort, reused while nothing changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db


class GradedAnswer(db.Model):
    __tablename__ = "insight_graded_answers"
    __table_args__ = (Index("ix_insight_graded_answers_version", "attempt_id", "version"),)

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # right | partial | wrong | unanswered
    points: Mapped[float] = mapped_column(Float)
    version: Mapped[str] = mapped_column(String(64))  # the course version it was graded against


class InsightSnapshot(db.Model):
    """A cohort's insight counts as last computed, with the fingerprint of what they came from.

    The fingerprint is the cohort's membership and its members' standing generations (bumped
    by every attempt, run, progress or grant written: ``cohorts.standing_models``): while it is
    unchanged, nothing the counts depend on has changed and the page reads this row instead
    of aggregating every answer of the cohort again."""

    __tablename__ = "insight_snapshots"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    course_version: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(120))
    computed_at: Mapped[datetime] = mapped_column(DateTime)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
