"""Enrolment and reading progress: the use cases behind the course pages (no HTTP here).

Every function takes a user (or a user id) and a loaded Course (courses.catalogue); writes
commit. Concurrent double clicks are safe: the unique constraints decide, and a lost race is
read back instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from courses import reading
from courses.catalogue import Course, Module
from courses.editions import editions_of
from courses.loader import get_catalogue
from courses.models import Enrolment, ModuleProgress
from courses.reading import ModuleReading
from training.extensions import db
from training.timeutil import utcnow

T = TypeVar("T")

OPENED_RESOLUTION = timedelta(minutes=1)
"""How stale ``last_opened_at`` may get before a new visit updates it."""


class EnrolmentRefused(Exception):
    """Self-enrolment is not possible (the course is closed to it)."""


class OtherEdition(EnrolmentRefused):
    """The learner already follows another edition of this course (``other``): switching
    edition is its own step (``courses.edition_switch``), which says what carries over."""

    def __init__(self, other: Course) -> None:
        super().__init__(other.slug)
        self.other = other


class NotAllowed(Exception):
    """The user may not read this course (not enrolled, not staff)."""


@dataclass(frozen=True)
class CourseProgress:
    """One learner's standing in one course, as the dashboard and course page show it."""

    course: Course
    done: frozenset[str]
    last_activity: datetime | None
    resume: Module | None
    opened: frozenset[str] = frozenset()

    @property
    def total(self) -> int:
        return len(self.course.modules)

    @property
    def done_count(self) -> int:
        return len(self.done)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total) if self.total else 0

    @property
    def started(self) -> bool:
        return self.last_activity is not None


@dataclass(frozen=True)
class ModuleStatus:
    """A learner's progress in one module, read before the commit (no reload needed)."""

    stem: str
    first_opened_at: datetime
    last_opened_at: datetime
    completed_at: datetime | None
    #: What the page's query read besides (courses.reading), for the features' hooks.
    reading: ModuleReading | None = field(default=None, compare=False)

    @property
    def done(self) -> bool:
        return self.completed_at is not None

    @classmethod
    def of(cls, row: ModuleProgress) -> ModuleStatus:
        return cls(row.module_stem, row.first_opened_at, row.last_opened_at, row.completed_at)


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_trainer", False) or getattr(user, "is_admin", False))


def _insert_or_read(insert: Callable[[], T], read: Callable[[], T | None]) -> T:
    """Insert in a savepoint; if a concurrent request won the race, read its row instead."""
    try:
        with db.session.begin_nested():
            return insert()
    except IntegrityError:
        found = read()
        if found is None:
            raise
        return found


# --------------------------------------------------------------------------------------------
# Enrolment


def get_enrolment(user_id: int, course_slug: str) -> Enrolment | None:
    return db.session.execute(
        select(Enrolment).where(Enrolment.user_id == user_id, Enrolment.course_slug == course_slug)
    ).scalar_one_or_none()


def is_enrolled(user_id: int, course_slug: str) -> bool:
    return get_enrolment(user_id, course_slug) is not None


def enrol(user: Any, course: Course, cohort_id: int | None = None) -> Enrolment:
    """Enrol ``user`` in ``course`` (idempotent; a cohort enrolment records its cohort)."""
    existing = get_enrolment(user.id, course.slug)
    if existing is not None:
        if cohort_id is not None and existing.cohort_id is None:
            existing.cohort_id = cohort_id
            db.session.commit()
        return existing

    def insert() -> Enrolment:
        enrolment = Enrolment(user_id=user.id, course_slug=course.slug, cohort_id=cohort_id)
        db.session.add(enrolment)
        db.session.flush()
        return enrolment

    enrolment = _insert_or_read(insert, lambda: get_enrolment(user.id, course.slug))
    db.session.commit()
    return enrolment


def self_enrol(user: Any, course: Course) -> Enrolment:
    """A learner enrols themself: only in an open course, and not in a second edition of a
    course they follow (OtherEdition); staff may always."""
    if not _is_staff(user) and not is_enrolled(user.id, course.slug):
        if not course.open:
            raise EnrolmentRefused(course.slug)
        other = next(
            (
                c
                for c in editions_of(course, get_catalogue().courses.values())
                if c.slug != course.slug and is_enrolled(user.id, c.slug)
            ),
            None,
        )
        if other is not None:
            raise OtherEdition(other)
    return enrol(user, course)


def can_read(user: Any, course: Course) -> bool:
    """Enrolled learners, trainers and admins read a course's modules."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _is_staff(user) or is_enrolled(user.id, course.slug)


def enrolled_courses(user: Any) -> list[Course]:
    """The user's courses that currently load, in enrolment order."""
    slugs = db.session.execute(
        select(Enrolment.course_slug)
        .where(Enrolment.user_id == user.id)
        .order_by(Enrolment.enrolled_at, Enrolment.id)
    ).scalars()
    courses = get_catalogue().courses
    return [courses[slug] for slug in slugs if slug in courses]


# --------------------------------------------------------------------------------------------
# Progress


def _progress_row(user_id: int, course_slug: str, stem: str) -> ModuleProgress | None:
    return db.session.execute(
        select(ModuleProgress).where(
            ModuleProgress.user_id == user_id,
            ModuleProgress.course_slug == course_slug,
            ModuleProgress.module_stem == stem,
        )
    ).scalar_one_or_none()


def _touch(user: Any, course: Course, stem: str) -> tuple[ModuleProgress, bool]:
    """The learner's progress row for the module, opened now; and whether anything changed.

    ``last_opened_at`` moves only when it is older than OPENED_RESOLUTION: re-reading a page
    (or reloading it) then costs no write, which keeps the module page fast and the database
    free of a write lock per page view.
    """
    if not can_read(user, course):
        raise NotAllowed(course.slug)
    if course.module(stem) is None:
        raise LookupError(stem)
    now = utcnow()
    row = _progress_row(user.id, course.slug, stem)
    if row is not None:
        if now - row.last_opened_at < OPENED_RESOLUTION:
            return row, False
        row.last_opened_at = now
        return row, True

    def insert() -> ModuleProgress:
        created = ModuleProgress(
            user_id=user.id,
            course_slug=course.slug,
            module_stem=stem,
            first_opened_at=now,
            last_opened_at=now,
        )
        db.session.add(created)
        db.session.flush()
        return created

    return _insert_or_read(insert, lambda: _progress_row(user.id, course.slug, stem)), True


def _recently_opened(user: Any, course: Course, stem: str) -> tuple[ModuleStatus | None, Any]:
    """``(status, reading)``: the module's status when the user may read it and opened it
    less than OPENED_RESOLUTION ago (nothing to write), else None (the full path decides);
    and what the query read (courses.reading), None when the user may not read it."""
    if course.module(stem) is None:
        return None, None
    now = utcnow()
    found = reading.read_module(user.id, course.slug, stem, now)
    if found is None:
        return None, None
    row, read = found
    if not (read.enrolled or _is_staff(user)):
        return None, None
    if now - row.last_opened_at >= OPENED_RESOLUTION:
        return None, read
    return ModuleStatus(stem, row.first_opened_at, row.last_opened_at, row.completed_at), read


def record_module_opened(user: Any, course: Course, stem: str) -> ModuleStatus:
    """Note that ``user`` opened the module now (the first time is kept).

    Raises NotAllowed when the user may not read the course, LookupError for an unknown stem.
    A re-read within OPENED_RESOLUTION costs one query and no write.
    """
    read = None
    if getattr(user, "is_authenticated", False):
        recent, read = _recently_opened(user, course, stem)
        if recent is not None:
            return replace(recent, reading=read)
    row, changed = _touch(user, course, stem)
    status = ModuleStatus.of(row)
    if changed:
        db.session.commit()
    return replace(status, reading=read)


def mark_module_done(user: Any, course: Course, stem: str) -> ModuleStatus:
    """Mark the module as done (idempotent: the first completion time is kept)."""
    row, _ = _touch(user, course, stem)
    if row.completed_at is None:
        row.completed_at = utcnow()
    status = ModuleStatus.of(row)
    db.session.commit()
    return status


def completed_modules(user_id: int, course_slug: str) -> set[str]:
    return set(
        db.session.execute(
            select(ModuleProgress.module_stem).where(
                ModuleProgress.user_id == user_id,
                ModuleProgress.course_slug == course_slug,
                ModuleProgress.completed_at.is_not(None),
            )
        ).scalars()
    )


def last_activity(user_id: int, course_slug: str) -> datetime | None:
    """When the learner last opened or completed a module of the course."""
    return db.session.execute(
        select(func.max(ModuleProgress.last_opened_at)).where(
            ModuleProgress.user_id == user_id, ModuleProgress.course_slug == course_slug
        )
    ).scalar_one_or_none()


def _resume(course: Course, rows: list[ModuleProgress]) -> Module | None:
    """The module last opened if it is not done yet, else the first module not done."""
    if not course.modules:
        return None
    done = {r.module_stem for r in rows if r.completed_at is not None}
    opened = sorted(
        (r for r in rows if r.completed_at is None and course.module(r.module_stem)),
        key=lambda r: r.last_opened_at,
    )
    if opened:
        return course.module(opened[-1].module_stem)
    return next((m for m in course.modules if m.stem not in done), course.modules[0])


def _rows(user_id: int, course_slugs: list[str]) -> list[ModuleProgress]:
    if not course_slugs:
        return []
    return list(
        db.session.execute(
            select(ModuleProgress).where(
                ModuleProgress.user_id == user_id, ModuleProgress.course_slug.in_(course_slugs)
            )
        ).scalars()
    )


def resume_target(user: Any, course: Course) -> Module | None:
    """Where "continue where I left off" goes (None only for a course without modules)."""
    return _resume(course, _rows(user.id, [course.slug]))


def _standing(course: Course, rows: list[ModuleProgress]) -> CourseProgress:
    stems = {m.stem for m in course.modules}
    done = frozenset(r.module_stem for r in rows if r.completed_at and r.module_stem in stems)
    opened = frozenset(r.module_stem for r in rows if r.module_stem in stems)
    last = max((r.last_opened_at for r in rows), default=None)
    return CourseProgress(course, done, last, _resume(course, rows), opened)


def course_progress(user: Any, course: Course) -> CourseProgress:
    """The learner's progress in one course (one query)."""
    return _standing(course, _rows(user.id, [course.slug]))


def dashboard(user: Any) -> list[CourseProgress]:
    """Progress in each of the user's courses, most recently active first (two queries)."""
    courses = enrolled_courses(user)
    rows = _rows(user.id, [c.slug for c in courses])
    standings = [_standing(c, [r for r in rows if r.course_slug == c.slug]) for c in courses]
    never = datetime.min
    return sorted(standings, key=lambda s: s.last_activity or never, reverse=True)
