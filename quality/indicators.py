"""Quality indicators of cohorts, as a Qualiopi auditor asks for them. Each has one definition,
written once here (``DEFINITIONS``) and shown on the page and in the CSV.

A learner's standing comes from the cohort dashboard (``cohorts.dashboard.build``), itself fed
by the one progress service: "completed" here is the same word as on the matrix and the
certificate. Satisfaction comes from the survey aggregate, under the same anonymity threshold.

Mean realised hours come from the measured learning time (``proof.learning_time``, issue 15
item 2): declared hours (course.yaml) are not realised hours, and the page never prints one as
the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from cohorts.dashboard import Dashboard, build
from courses.loader import get_course
from proof.learning_time import realised_seconds_of_users
from surveys import services as surveys
from training.extensions import db
from training.models import Cohort
from training.timeutil import utcnow

DEFAULT_DROPOUT_DAYS = 30
DROPOUT_DAYS_MAX = 365

DEFINITIONS = {
    "enrolled": _l("Learners who are members of the cohort."),
    "started": _l(
        "Enrolled learners with at least one recorded activity in the course: a module opened, "
        "a quiz attempt or a role-play run."
    ),
    "completed": _l(
        "Learners who met every requirement of the course (or hold its certificate): the "
        "progress service's definition, as on the matrix."
    ),
    "dropped_out": _l(
        "Learners who have not completed and show no activity for %(days)d days or more "
        "(counted from joining when they never started)."
    ),
    "success_rate": _l(
        "Completed ÷ (completed + dropped out): the share of learners whose outcome is known "
        "who completed. Learners still in progress are not counted."
    ),
    "mean_hours": _l(
        "Measured learning time (reading between requests up to the idle limit, quiz attempts, "
        "role-play runs), in hours, averaged over the learners who started. Not the course's "
        "declared duration."
    ),
    "satisfaction": _l(
        "Mean of every answer to the statements of the end-of-course survey, from 1 (strongly "
        "disagree) to 5 (strongly agree); shown only from %(n)d answers, so that nobody's "
        "answers can be told apart."
    ),
}


@dataclass(frozen=True)
class Indicators:
    label: str  # a cohort's name, or "All cohorts"
    course_slug: str | None
    enrolled: int
    started: int
    completed: int
    dropped_out: int
    responses: int
    satisfaction: float | None  # None: no survey, or fewer answers than the threshold
    realised_seconds: float = 0.0  # measured, summed over the learners who started

    @property
    def mean_hours(self) -> float | None:
        return self.realised_seconds / 3600 / self.started if self.started else None

    @property
    def success_rate(self) -> float | None:
        known = self.completed + self.dropped_out
        return 100.0 * self.completed / known if known else None


def dropout_days(requested: int | None = None) -> int:
    """The inactivity after which a learner counts as dropped out: the request's, if it is
    sensible, else ``QUALITY_DROPOUT_DAYS`` (default 30)."""
    if requested is not None and 1 <= requested <= DROPOUT_DAYS_MAX:
        return requested
    return int(current_app.config.get("QUALITY_DROPOUT_DAYS", DEFAULT_DROPOUT_DAYS))


def _dropped(dashboard: Dashboard, now: datetime, days: int) -> int:
    limit = now - timedelta(days=days)
    return sum(
        1
        for row in dashboard.rows
        if not row.complete and (row.last_activity or row.joined_at) <= limit
    )


def _satisfaction(course, cohort_ids: list[int]) -> tuple[int, float | None]:  # noqa: ANN001
    if course.survey is None:
        return 0, None
    result = surveys.aggregate(course.survey, surveys.responses_of(course.slug, cohort_ids))
    return result.responses, result.satisfaction if result.shown else None


def of_cohort(cohort: Cohort, days: int, now: datetime | None = None) -> Indicators | None:
    """The cohort's indicators (None when its course is not installed any more)."""
    now = now or utcnow()
    course = get_course(cohort.course_slug)
    if course is None:
        return None
    dashboard = build(cohort, course, now=now)
    responses, satisfaction = _satisfaction(course, [cohort.id])
    started = [r.user.id for r in dashboard.rows if r.started]
    seconds = realised_seconds_of_users(course.slug, started, now) if started else {}
    return Indicators(
        cohort.name,
        course.slug,
        enrolled=len(dashboard.rows),
        started=sum(r.started for r in dashboard.rows),
        completed=sum(r.complete for r in dashboard.rows),
        dropped_out=_dropped(dashboard, now, days),
        responses=responses,
        satisfaction=satisfaction,
        realised_seconds=sum(seconds.values()),
    )


def all_cohorts(include_archived: bool = True) -> list[Cohort]:
    query = select(Cohort).order_by(Cohort.course_slug, Cohort.created_at, Cohort.id)
    if not include_archived:
        query = query.where(Cohort.archived_at.is_(None))
    return list(db.session.execute(query).scalars())


def across(rows: Iterable[Indicators], cohorts: list[Cohort], label: str) -> Indicators:
    """The sum over cohorts; satisfaction over every answer of those cohorts, per course."""
    rows = list(rows)
    responses, counted, weighted = 0, 0, 0.0
    by_course: dict[str, list[int]] = {}
    for cohort in cohorts:
        by_course.setdefault(cohort.course_slug, []).append(cohort.id)
    for slug, ids in by_course.items():
        course = get_course(slug)
        if course is None or course.survey is None:
            continue
        result = surveys.aggregate(course.survey, surveys.responses_of(slug, ids))
        responses += result.responses
        if result.shown and result.satisfaction is not None:
            weighted += result.satisfaction * result.responses
            counted += result.responses
    return Indicators(
        label,
        None,
        enrolled=sum(r.enrolled for r in rows),
        started=sum(r.started for r in rows),
        completed=sum(r.completed for r in rows),
        dropped_out=sum(r.dropped_out for r in rows),
        responses=responses,
        satisfaction=round(weighted / counted, 2) if counted else None,
        realised_seconds=sum(r.realised_seconds for r in rows),
    )
