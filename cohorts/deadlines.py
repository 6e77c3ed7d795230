"""What learners see of their cohorts: the end date on their dashboard and course page, overdue
work marked, and a pending join (code opened before logging in) to finish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import has_request_context, session

from cohorts.services import cohort_by_code
from courses.loader import get_course
from courses.sections import Section
from training.cohort_access import cohorts_of_learner
from training.models import Cohort
from training.timeutil import utcnow

PENDING_JOIN_KEY = "cohort_join_code"


@dataclass(frozen=True)
class Deadline:
    cohort: Cohort
    course_title: str
    course_slug: str
    ends_on: date | None
    days_left: int | None
    overdue: bool
    missing: int  # requirements still to do


def _deadline(user: Any, cohort: Cohort, course: Any) -> Deadline:
    from certificates.completion import evaluate

    today = utcnow().date()
    missing = 0
    overdue = False
    days_left = None
    if cohort.ends_on is not None:
        days_left = (cohort.ends_on - today).days
        status = evaluate(user, course)
        missing = len(status.missing)
        overdue = days_left < 0 and not status.complete
    return Deadline(cohort, course.title, course.slug, cohort.ends_on, days_left, overdue, missing)


def course_section(user: Any, course: Any) -> Section | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cohorts = [
        c
        for c in cohorts_of_learner(user.id)
        if c.course_slug == course.slug and c.archived_at is None and c.ends_on is not None
    ]
    if not cohorts:
        return None
    return Section(
        "cohorts/_deadline_section.html",
        {"deadlines": [_deadline(user, c, course) for c in cohorts], "show_course": False},
        order=5,
    )


def dashboard_section(user: Any) -> Section | None:
    if not getattr(user, "is_authenticated", False):
        return None
    deadlines = []
    for cohort in cohorts_of_learner(user.id):
        course = get_course(cohort.course_slug)
        if cohort.archived_at is None and cohort.ends_on is not None and course is not None:
            deadlines.append(_deadline(user, cohort, course))
    pending = None
    if has_request_context() and session.get(PENDING_JOIN_KEY):
        pending = cohort_by_code(session[PENDING_JOIN_KEY])
        if pending is not None and any(c.id == pending.id for c in cohorts_of_learner(user.id)):
            session.pop(PENDING_JOIN_KEY, None)
            pending = None
    if not deadlines and pending is None:
        return None
    return Section(
        "cohorts/_deadline_section.html",
        {"deadlines": deadlines, "show_course": True, "pending": pending},
        order=5,
    )
