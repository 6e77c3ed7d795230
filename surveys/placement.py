"""Placement (positioning) results: each learner's score and the cohort's, for the trainer.

The placement quiz is an ordinary quiz of the course stored under the stem ``placement``
(``courses.extras_parse``); it is no module's quiz, so the progress service never counts it.
A learner's result is their submitted attempt (there is one: ``max_attempts: 1``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import fmean, median

from sqlalchemy import select

from courses.extras_parse import PLACEMENT_STEM
from quizzes.models import SUBMITTED, Attempt
from training.extensions import db
from training.models import Cohort, CohortMember, User

#: The cohort's results are also shown as how many learners scored in each band.
BANDS = ((0, 40), (40, 60), (60, 80), (80, 101))


@dataclass(frozen=True)
class PlacementRow:
    user: User
    percent: float | None  # None: not taken
    taken_at: datetime | None


@dataclass(frozen=True)
class PlacementSummary:
    rows: tuple[PlacementRow, ...]

    @property
    def scores(self) -> list[float]:
        return [r.percent for r in self.rows if r.percent is not None]

    @property
    def taken(self) -> int:
        return len(self.scores)

    @property
    def mean(self) -> float | None:
        return round(fmean(self.scores), 1) if self.scores else None

    @property
    def median(self) -> float | None:
        return round(median(self.scores), 1) if self.scores else None

    @property
    def bands(self) -> list[tuple[int, int, int]]:
        """(low, high, count): learners with low <= score < high."""
        return [(lo, min(hi, 100), sum(lo <= s < hi for s in self.scores)) for lo, hi in BANDS]


def cohort_placement(cohort: Cohort) -> PlacementSummary:
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    results: dict[int, tuple[float | None, datetime | None]] = {}
    for user_id, percent, submitted_at in db.session.execute(
        select(Attempt.user_id, Attempt.percent, Attempt.submitted_at)
        .where(
            Attempt.course_slug == cohort.course_slug,
            Attempt.quiz_stem == PLACEMENT_STEM,
            Attempt.practice.is_(False),
            Attempt.status == SUBMITTED,
            Attempt.user_id.in_(members),
        )
        .order_by(Attempt.number)
    ):
        results.setdefault(user_id, (percent, submitted_at))  # the first (only) attempt
    users = db.session.execute(
        select(User).where(User.id.in_(members)).order_by(User.full_name, User.email)
    ).scalars()
    return PlacementSummary(tuple(PlacementRow(u, *results.get(u.id, (None, None))) for u in users))


def placement_taken(user_id: int, course_slug: str) -> bool:
    return (
        db.session.execute(
            select(Attempt.id).where(
                Attempt.user_id == user_id,
                Attempt.course_slug == course_slug,
                Attempt.quiz_stem == PLACEMENT_STEM,
                Attempt.practice.is_(False),
            )
        ).first()
        is not None
    )
