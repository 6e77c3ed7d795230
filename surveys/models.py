"""Survey answers, stored apart from identity.

Two tables, written in one transaction and never joined:

- ``survey_responses``: the answers, with the course and the cohort (for the aggregate) and
  **no user id, no time**: its key is random (not a sequence, whose order would match the
  participations'), so nothing in a row leads back to the learner;
- ``survey_participations``: that a learner answered the survey of a course (UNIQUE: once),
  with when, and nothing of what they said.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.timeutil import utcnow


def random_key() -> str:
    return secrets.token_hex(16)


class SurveyResponse(db.Model):
    __tablename__ = "survey_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    course_slug: Mapped[str] = mapped_column(String(80), index=True)
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), index=True
    )
    year: Mapped[int] = mapped_column()  # for the yearly summary; no finer date is kept
    # {item_id: 1..5 for a Likert item, text for a free-text item}
    answers: Mapped[dict] = mapped_column(JSON)


class SurveyParticipation(db.Model):
    __tablename__ = "survey_participations"
    __table_args__ = (UniqueConstraint("user_id", "course_slug"),)  # answered once

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_slug: Mapped[str] = mapped_column(String(80))
    answered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
