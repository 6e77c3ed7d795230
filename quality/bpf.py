"""The yearly summary for the annual activity report (bilan pédagogique et financier, BPF):
learners per course and calendar year.

- **Learners trained** in year Y for course C: distinct learners with at least one recorded
  activity in C during Y (a module opened or done, a quiz attempt started or submitted, a
  role-play step), whether or not they finished.
- **Learners who completed** in Y: those whose certificate for C was issued in Y (valid or
  superseded by a reissue; a revoked one does not count).
- **Realised hours** (heures-stagiaires): the measured learning time (``proof.learning_time``)
  of those learners in the course, counting the spans that started during the year. The
  course's declared duration is shown beside it as a labelled reference, never as realised.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import extract, func, select, union

from certificates.models import Certificate, Status
from courses.loader import get_catalogue
from courses.models import ModuleProgress
from courses.roleplay_models import RoleplayRun
from proof.learning_time import _measures
from quizzes.models import Attempt
from training.extensions import db


@dataclass(frozen=True)
class YearRow:
    course_slug: str
    course_title: str
    declared_hours: float | None  # the course's duration as declared in course.yaml
    learners: int
    completed: int
    realised_hours: float = 0.0


def _activity(year: int):  # noqa: ANN202 - a subquery of (slug, user_id)
    parts = [
        select(table.course_slug.label("slug"), table.user_id.label("user_id")).where(
            extract("year", column) == year
        )
        for table, column in (
            (ModuleProgress, ModuleProgress.last_opened_at),
            (ModuleProgress, ModuleProgress.completed_at),
            (Attempt, Attempt.started_at),
            (Attempt, Attempt.submitted_at),
            (RoleplayRun, RoleplayRun.updated_at),
        )
    ]
    return union(*parts).subquery()


def _active_learners(year: int) -> dict[str, int]:
    """Distinct learners per course with any activity in ``year`` (one query)."""
    activity = _activity(year)
    query = select(activity.c.slug, func.count(func.distinct(activity.c.user_id))).group_by(
        activity.c.slug
    )
    return {slug: count for slug, count in db.session.execute(query)}


def _realised_hours(year: int) -> dict[str, float]:
    """Measured hours per course of the spans that started in ``year``, for every learner
    active in it (the learning-time service's measures, read in set-based queries)."""
    activity = _activity(year)
    learners = select(activity.c.user_id).distinct()
    seconds: dict[str, float] = {}
    for measure in measures_of_users(learners).values():
        for span in measure.spans:
            if span.start.year == year:
                seconds[span.course_slug] = seconds.get(span.course_slug, 0.0) + span.seconds
    return {slug: value / 3600 for slug, value in seconds.items()}


def _completed(year: int) -> dict[str, int]:
    query = (
        select(Certificate.course_slug, func.count(func.distinct(Certificate.user_id)))
        .where(
            extract("year", Certificate.issued_at) == year,
            Certificate.status != Status.REVOKED.value,
        )
        .group_by(Certificate.course_slug)
    )
    return {slug: count for slug, count in db.session.execute(query)}


def measures_of_users(user_ids):  # noqa: ANN001, ANN201 - {user_id: proof.timeline.Measure}
    """The learning-time service's measures of these learners (every course)."""
    return _measures(lambda column: column.in_(user_ids), None)


def yearly_summary(year: int) -> list[YearRow]:
    """One row per course with learners in ``year``, in course-title order."""
    active, completed = _active_learners(year), _completed(year)
    hours = _realised_hours(year)
    courses = get_catalogue().courses
    rows = []
    for slug in sorted(set(active) | set(completed)):
        course = courses.get(slug)
        rows.append(
            YearRow(
                slug,
                course.title if course else slug,
                float(course.hours) if course else None,
                active.get(slug, 0),
                completed.get(slug, 0),
                round(hours.get(slug, 0.0), 1),
            )
        )
    return sorted(rows, key=lambda r: r.course_title.casefold())


def years_with_activity() -> list[int]:
    """Calendar years in which anything was recorded, newest first (for the year picker)."""
    query = select(func.min(ModuleProgress.last_opened_at), func.max(ModuleProgress.last_opened_at))
    first, last = db.session.execute(query).one()
    if first is None:
        return []
    first_year = first.year if hasattr(first, "year") else int(str(first)[:4])
    last_year = last.year if hasattr(last, "year") else int(str(last)[:4])
    return list(range(last_year, first_year - 1, -1))
