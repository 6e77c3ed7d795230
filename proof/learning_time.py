"""Measured (realised) learning time per learner, course, module, quiz, role-play and block.

Plain functions over the recorded ``LearningEvent``s and quiz attempts; the rules are in
``proof.timeline`` (pure). Everything here is *measured* time, from what the learner did on the
server; the *declared* duration of a course is ``course.hours`` (course.yaml) and is never mixed
in. Settings: ``LEARNING_IDLE_MINUTES`` (default 10), ``LEARNING_PING_CAP_SECONDS`` (120).

- ``realised_seconds(user_id, course_slug)``: one learner's total in one course.
- ``learning_time(user_id, course)``: the same with per-module / quiz / role-play / block totals.
- ``realised_seconds_of_users(course_slug, user_ids)``: ``{user_id: seconds}`` for a cohort,
  in two set-based queries whatever its size.
- ``measure_of(user_id)``: the learner's whole ``Measure`` (spans and sessions, every course).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, select

from proof.models import LearningEvent
from proof.timeline import (
    DEFAULT_IDLE,
    DEFAULT_PING_CAP,
    MODULE,
    QUIZ,
    ROLEPLAY,
    Event,
    Measure,
    TimedSpan,
    measure,
)
from quizzes.models import Attempt
from training.extensions import db
from training.timeutil import utcnow


def idle_limit() -> timedelta:
    minutes = current_app.config.get("LEARNING_IDLE_MINUTES")
    return timedelta(minutes=int(minutes)) if minutes else DEFAULT_IDLE


def ping_cap() -> timedelta:
    seconds = current_app.config.get("LEARNING_PING_CAP_SECONDS")
    return timedelta(seconds=int(seconds)) if seconds else DEFAULT_PING_CAP


def _event(row: Any) -> Event:
    return Event(row.at, row.course_slug, row.activity, row.key, row.action)


def _timed(row: Any, now: datetime) -> TimedSpan:
    end = row.submitted_at if row.submitted_at is not None else min(now, row.deadline)
    return TimedSpan(row.course_slug, row.quiz_stem, row.started_at, end, row.deadline)


_EVENT_COLUMNS = (
    LearningEvent.user_id,
    LearningEvent.at,
    LearningEvent.course_slug,
    LearningEvent.activity,
    LearningEvent.key,
    LearningEvent.action,
)
_ATTEMPT_COLUMNS = (
    Attempt.user_id,
    Attempt.course_slug,
    Attempt.quiz_stem,
    Attempt.started_at,
    Attempt.submitted_at,
    Attempt.deadline,
)


def _measures(user_filter: Any, now: datetime | None) -> dict[int, Measure]:
    """One ``Measure`` per user matched by ``user_filter`` (a column expression on user_id).

    Every course's events are read: the gap after a page ends at the learner's next request,
    whichever course it belongs to.
    """
    now = now or utcnow()
    events: dict[int, list[Event]] = defaultdict(list)
    for row in db.session.execute(
        select(*_EVENT_COLUMNS)
        .where(user_filter(LearningEvent.user_id))
        .order_by(LearningEvent.user_id, LearningEvent.at, LearningEvent.id)
    ):
        events[row.user_id].append(_event(row))
    timed: dict[int, list[TimedSpan]] = defaultdict(list)
    for row in db.session.execute(
        select(*_ATTEMPT_COLUMNS).where(user_filter(Attempt.user_id), Attempt.deadline.is_not(None))
    ):
        timed[row.user_id].append(_timed(row, now))
    idle, cap = idle_limit(), ping_cap()
    return {
        user_id: measure(events.get(user_id, ()), timed.get(user_id, ()), idle, cap, now)
        for user_id in set(events) | set(timed)
    }


def measure_of(user_id: int, now: datetime | None = None) -> Measure:
    """The learner's measured time in every course (spans in time order, sessions)."""
    return _measures(lambda column: column == user_id, now).get(user_id, Measure())


def realised_seconds(user_id: int, course_slug: str, now: datetime | None = None) -> float:
    """Measured seconds of one learner in one course."""
    return measure_of(user_id, now).seconds(course_slug)


def realised_seconds_of_users(
    course_slug: str, user_ids: Iterable[int] | Select[Any], now: datetime | None = None
) -> dict[int, float]:
    """``{user_id: measured seconds in the course}`` (0 for a learner with no recorded time).

    ``user_ids`` is a list or a ``select`` of user ids (a cohort's members, say).
    """
    if isinstance(user_ids, Select):
        ids: Sequence[int] | Select[Any] = user_ids
        wanted = None
    else:
        ids = list(user_ids)
        wanted = ids
    measures = _measures(lambda column: column.in_(ids), now)
    result = {user_id: m.seconds(course_slug) for user_id, m in measures.items()}
    for user_id in wanted or ():
        result.setdefault(user_id, 0.0)
    return result


@dataclass(frozen=True)
class LearningTime:
    """One learner's measured time in one course, broken down (seconds)."""

    course_slug: str
    total: float
    modules: dict[str, float] = field(default_factory=dict)  # module stem → seconds
    quizzes: dict[str, float] = field(default_factory=dict)  # quiz (module) stem → seconds
    roleplays: dict[str, float] = field(default_factory=dict)  # scenario slug → seconds
    course_pages: float = 0.0  # the course overview page
    blocks: dict[str, float] = field(default_factory=dict)  # block id → seconds
    sessions: int = 0

    @property
    def hours(self) -> float:
        return self.total / 3600


def breakdown(course: Any, m: Measure) -> LearningTime:
    """Per-activity and per-block totals of one course from a learner's ``Measure``.

    An activity serving two blocks counts in both, so block totals can add up to more than the
    course total; time on the course overview page belongs to no block.
    """
    totals = m.by_activity(course.slug)
    modules = {mod.stem: totals.get((MODULE, mod.stem), 0.0) for mod in course.modules}
    quizzes = {mod.stem: totals.get((QUIZ, mod.stem), 0.0) for mod, _quiz in course.quizzes()}
    roleplays = {s.slug: totals.get((ROLEPLAY, s.slug), 0.0) for s in course.roleplays}
    blocks = {b.id: 0.0 for b in course.blocks}
    for mod in course.modules:
        for block in mod.blocks:
            if block in blocks:
                blocks[block] += modules[mod.stem]
        if mod.quiz is not None:
            for block in mod.quiz.blocks or mod.blocks:
                if block in blocks:
                    blocks[block] += quizzes.get(mod.stem, 0.0)
    for scenario in course.roleplays:
        for block in scenario.blocks:
            if block in blocks:
                blocks[block] += roleplays[scenario.slug]
    return LearningTime(
        course_slug=course.slug,
        total=m.seconds(course.slug),
        modules=modules,
        quizzes=quizzes,
        roleplays=roleplays,
        course_pages=totals.get(("course", ""), 0.0),
        blocks=blocks,
        sessions=len(m.sessions(course.slug)),
    )


def learning_time(user_id: int, course: Any, now: datetime | None = None) -> LearningTime:
    """One learner's measured time in ``course``, with per-activity and per-block totals."""
    return breakdown(course, measure_of(user_id, now))


def learning_times_of_users(
    course: Any, user_ids: Iterable[int], now: datetime | None = None
) -> dict[int, LearningTime]:
    """``breakdown`` for many learners at once (a gradebook page, an export)."""
    ids = list(user_ids)
    measures = _measures(lambda column: column.in_(ids), now)
    return {user_id: breakdown(course, measures.get(user_id, Measure())) for user_id in ids}
