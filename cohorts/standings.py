"""Keeping the cohort's standings fresh, and the SQL that sorts, filters and counts by them.

``refresh(cohort, course)`` recomputes only the stale standings of the cohort's members (see
``cohorts.standing_models``): after the first view, a page view recomputes the learners who did
something since, not the cohort. Everything else here is SQL over ``learner_standings`` joined
to the membership: the dashboard's counts, its histograms and its sorted, filtered page of ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    false,
    func,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from certificates.models import Certificate, Status
from certificates.progress import Progress, needs_second_chance
from certificates.progress_data import progress_of_users
from cohorts.charts import BINS
from cohorts.standing_models import LearnerStanding
from courses.catalogue import Course
from courses.models import ModuleProgress
from courses.roleplay_models import RoleplayRun
from quizzes.models import Attempt
from training import pagination
from training.extensions import db
from training.models import Cohort, CohortMember, User
from training.sql_lists import among
from training.timeutil import utcnow

CHUNK = 500  # learners recomputed per batch of queries


def last_activity_of(slug: str, user_ids: Any) -> dict[int, datetime]:
    """Each learner's latest moment in the course (module opened or done, quiz started, saved or
    submitted, role-play step), in one aggregate query; ``user_ids`` a list or a SELECT."""
    parts = [
        select(table.user_id.label("user_id"), func.max(column).label("at"))
        .where(table.course_slug == slug, among(table.user_id, user_ids))
        .group_by(table.user_id)
        for table, column in (
            (ModuleProgress, ModuleProgress.last_opened_at),
            (ModuleProgress, ModuleProgress.completed_at),
            (Attempt, Attempt.started_at),
            (Attempt, Attempt.saved_at),
            (Attempt, Attempt.submitted_at),
            (RoleplayRun, RoleplayRun.updated_at),
        )
    ]
    moments = union_all(*parts).subquery()
    latest = select(moments.c.user_id, func.max(moments.c.at)).group_by(moments.c.user_id)
    result: dict[int, datetime] = {}
    for user_id, at in db.session.execute(latest):
        if at is not None:
            result[user_id] = at if isinstance(at, datetime) else datetime.fromisoformat(at)
    return result


def certified(slug: str, user_ids: Any) -> dict[int, Certificate]:
    """The valid certificate of each learner who holds one (the latest issued)."""
    found: dict[int, Certificate] = {}
    for certificate in db.session.execute(
        select(Certificate)
        .where(
            Certificate.course_slug == slug,
            among(Certificate.user_id, user_ids),
            Certificate.status == Status.VALID.value,
        )
        .order_by(Certificate.issued_at)
    ).scalars():
        found[certificate.user_id] = certificate
    return found


def quiz_average(progress: Progress) -> float | None:
    """The mean quiz grade (an untaken quiz counts 0), or None before any quiz is graded."""
    grades = [item.score for item in progress.items if item.kind == "quiz"]
    if not any(g is not None for g in grades):
        return None
    return sum(g or 0.0 for g in grades) / len(grades)


def quiz_failed(progress: Progress) -> bool:
    """A quiz with unlimited attempts, graded and not passed yet (worth a word)."""
    return any(
        item.kind == "quiz" and item.allowed is None and item.score is not None and not item.passed
        for item in progress.items
    )


def is_stale(course: Course) -> ColumnElement[bool]:
    """A member's standing (outer-joined) is missing, out of date or of another version."""
    return or_(
        LearnerStanding.user_id.is_(None),
        LearnerStanding.computed_generation.is_(None),
        LearnerStanding.computed_generation != LearnerStanding.generation,
        LearnerStanding.course_version.is_(None),
        LearnerStanding.course_version != str(course.version),
    )


def refresh(cohort: Cohort, course: Course) -> int:
    """Recompute the cohort's stale standings; returns how many were recomputed (commits)."""
    table = LearnerStanding.__table__
    stale = db.session.execute(
        select(CohortMember.user_id, LearnerStanding.generation)
        .outerjoin(
            LearnerStanding,
            and_(
                LearnerStanding.user_id == CohortMember.user_id,
                LearnerStanding.course_slug == course.slug,
            ),
        )
        .where(CohortMember.cohort_id == cohort.id, is_stale(course))
    ).all()
    if not stale:
        return 0
    now = utcnow()
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    store = (
        update(table)
        .where(
            table.c.user_id == bindparam("uid"),
            table.c.course_slug == course.slug,
            table.c.generation == bindparam("gen"),
        )
        .values(
            computed_generation=bindparam("gen"),
            **{name: bindparam(name) for name in _FIGURES},
        )
    )
    for start in range(0, len(stale), CHUNK):
        chunk = stale[start : start + CHUNK]
        ids = [user_id for user_id, _generation in chunk]
        figures = _figures(course, ids, now)
        new = [
            {"user_id": uid, "course_slug": course.slug, "generation": 0,
             "computed_generation": 0, **figures[uid]}
            for uid, generation in chunk if generation is None
        ]  # fmt: skip
        known = [{"uid": uid, "gen": gen, **figures[uid]} for uid, gen in chunk if gen is not None]
        if new:  # a learner's write may have made the row meanwhile: it stays stale then
            # executemany (insertmanyvalues batches it): one compiled statement, cached,
            # not a VALUES clause of 500 rows compiled afresh for each chunk
            db.session.execute(insert(table).on_conflict_do_nothing(), new)
        if known:
            db.session.execute(store, known)
    db.session.commit()
    return len(stale)


_FIGURES = (
    "course_version", "met_count", "total", "percent", "complete", "last_activity",
    "quiz_average", "quiz_failed", "second_chances", "computed_at",
)  # fmt: skip


def _figures(course: Course, ids: list[int], now: datetime) -> dict[int, dict[str, Any]]:
    progress = progress_of_users(course, ids)
    activity = last_activity_of(course.slug, ids)
    holders = set(certified(course.slug, ids))
    return {
        uid: {
            "course_version": str(course.version),
            "met_count": progress[uid].met_count,
            "total": progress[uid].total,
            "percent": progress[uid].percent,
            "complete": progress[uid].complete or uid in holders,
            "last_activity": activity.get(uid),
            "quiz_average": quiz_average(progress[uid]),
            "quiz_failed": quiz_failed(progress[uid]),
            "second_chances": len(needs_second_chance(progress[uid])),
            "computed_at": now,
        }
        for uid in ids
    }


# Sorting, filtering and counting in SQL -----------------------------------------------------


@dataclass(frozen=True)
class Conditions:
    """The SQL forms of the dashboard's words, for one cohort at one moment."""

    at_risk: ColumnElement[bool]
    inactive: ColumnElement[bool]
    overdue: ColumnElement[bool]
    not_started: ColumnElement[bool]
    complete: ColumnElement[bool]
    ended: bool  # the cohort's end date has passed: every incomplete learner is overdue


def conditions(cohort: Cohort, now: datetime, at_risk_days: int) -> Conditions:
    """At risk, as ``cohorts.dashboard._assess`` says: not complete, and inactive for
    ``at_risk_days`` (counted from joining when nothing was done, never before the cohort
    starts), or a quiz with unlimited attempts failed, or a requirement needing a second chance."""
    threshold = now - timedelta(days=at_risk_days)
    complete = func.coalesce(LearnerStanding.complete, false())
    reference = func.coalesce(LearnerStanding.last_activity, CohortMember.joined_at)
    starts = datetime.combine(cohort.starts_on, datetime.min.time()) if cohort.starts_on else None
    inactive: ColumnElement[bool] = (
        false() if starts is not None and starts >= threshold else reference < threshold
    )
    ended = cohort.ends_on is not None and cohort.ends_on < now.date()
    at_risk = and_(
        ~complete,
        or_(
            inactive,
            func.coalesce(LearnerStanding.quiz_failed, false()),
            func.coalesce(LearnerStanding.second_chances, 0) > 0,
        ),
    )
    return Conditions(
        at_risk=at_risk,
        inactive=and_(~complete, inactive),
        overdue=~complete if ended else false(),
        not_started=LearnerStanding.last_activity.is_(None),
        complete=complete,
        ended=ended,
    )


def over_members(query: Select[Any], cohort: Cohort, course: Course) -> Select[Any]:
    """``query`` over the cohort's members, each joined to their standing on ``course`` (its
    columns NULL for a member who has none yet)."""
    return (
        query.select_from(CohortMember)
        .outerjoin(
            LearnerStanding,
            and_(
                LearnerStanding.user_id == CohortMember.user_id,
                LearnerStanding.course_slug == course.slug,
            ),
        )
        .where(CohortMember.cohort_id == cohort.id)
    )


def members(cohort: Cohort, course: Course) -> Select[Any]:
    """Members joined to their standing and account (the base of every query below)."""
    return over_members(select(), cohort, course).join(User, User.id == CohortMember.user_id)


def _as_int(expression: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of the scan meet ``expression``: ``count(*) FILTER (WHERE …)`` (SQLite
    3.30+, PostgreSQL), about a third cheaper per row than ``SUM(CASE WHEN … THEN 1 ELSE 0)``
    on SQLite at 5,000 members (4.3 ms against 6.3), and never NULL."""
    return func.count().filter(expression)


def _bands(column: Any) -> list[ColumnElement[bool]]:
    """Whether ``column`` falls in each band of ``charts.BINS`` (below the first band's top
    counts in the first, from the last band's bottom up in the last; NULL in none), as range
    tests: cheaper per row than a CASE evaluated once per band."""
    tops = [high for _low, high, _label in BINS[:-1]]
    tests: list[ColumnElement[bool]] = [column < tops[0]]
    tests += [and_(column >= low, column < high) for low, high in pairwise(tops)]
    return [*tests, column >= tops[-1]]


_COUNTED_BY = {"all": "learners", "at_risk": "at_risk", "not_started": "not_started",
               "completed": "completed"}  # fmt: skip
COUNT_KEYS = ("learners", "completed", "not_started", "at_risk", "overdue", "second_chance")


@dataclass(frozen=True)
class Summary:
    """The dashboard's figures over the whole cohort: its counts (which are also the number of
    rows each filter keeps) and the members in each band of ``charts.BINS`` by progress and by
    average quiz grade (members without a figure left out)."""

    counts: dict[str, int]
    progress_bands: list[int]
    score_bands: list[int]
    stale: int  # members whose standing was stale: the figures are not to be trusted then

    def matching(self, show: str) -> int:
        """How many members the filter ``show`` keeps (one of ``FILTER_KEYS``)."""
        return self.counts[_COUNTED_BY.get(show, "learners")]


def fresh_summary(cohort: Cohort, course: Course, rules: Conditions) -> Summary:
    """The summary over up-to-date standings: read it, and only if some standing was stale,
    refresh them and read it again. A page where nobody acted since scans the cohort once."""
    found = summary(cohort, course, rules)
    if found.stale:
        refresh(cohort, course)
        found = summary(cohort, course, rules)
    return found


def summary(cohort: Cohort, course: Course, rules: Conditions) -> Summary:
    """Counts and both histograms in one pass over the membership (one aggregate query: each
    figure a SUM of a CASE), so a page costs one scan of the cohort, not one per figure; and
    how many standings were stale (see ``fresh_summary``)."""
    columns: dict[str, ColumnElement[Any]] = {
        "stale": _as_int(is_stale(course)),
        "learners": func.count(),
        "completed": _as_int(rules.complete),
        "not_started": _as_int(rules.not_started),
        "at_risk": _as_int(rules.at_risk),
        "overdue": _as_int(rules.overdue),
        "second_chance": _as_int(func.coalesce(LearnerStanding.second_chances, 0) > 0),
    }
    bands = {"p": LearnerStanding.percent, "q": LearnerStanding.quiz_average}
    for prefix, column in bands.items():
        for index, within in enumerate(_bands(column)):
            columns[f"{prefix}{index}"] = _as_int(within)
    query = over_members(
        select(*(value.label(name) for name, value in columns.items())), cohort, course
    )
    row = {key: int(value or 0) for key, value in db.session.execute(query).one()._mapping.items()}
    return Summary(
        counts={key: row[key] for key in COUNT_KEYS},
        progress_bands=[row[f"p{i}"] for i in range(len(BINS))],
        score_bands=[row[f"q{i}"] for i in range(len(BINS))],
        stale=row["stale"],
    )


SORT_KEYS = ("name", "progress", "activity", "risk")
FILTER_KEYS = ("all", "at_risk", "not_started", "completed")


def page_of_ids(
    cohort: Cohort,
    course: Course,
    rules: Conditions,
    *,
    sort: str,
    show: str,
    page: int,
    per_page: int,
    total: int | None = None,
) -> tuple[list[int], int]:
    """One page of member ids in the order asked (a page past the end: the last one), and how
    many members match the filter (counted here unless ``total`` is given: the
    ``Summary.matching`` of the same filter). Pages in the second half are read from the end
    (see below); ``?page=N`` links stay plain numbers, with no cursor."""  # fmt: skip
    query = members(cohort, course)
    if show == "at_risk":
        query = query.where(rules.at_risk)
    elif show == "not_started":
        query = query.where(rules.not_started)
    elif show == "completed":
        query = query.where(rules.complete)
    if total is None:
        total = db.session.execute(query.add_columns(func.count())).scalar_one()
    name = ((func.lower(User.full_name), False), (User.email, False))
    keys: list[tuple[Any, bool]]  # (expression, descending)
    if sort == "progress":
        keys = [(func.coalesce(LearnerStanding.percent, 0.0), True), *name]
    elif sort == "activity":  # most recent first, never-active last
        keys = [
            (LearnerStanding.last_activity.is_(None), False),
            (LearnerStanding.last_activity, True),
            *name,
        ]
    elif sort == "risk":
        # (at risk, then overdue, first; then the least progress.) Overdue is the same for
        # every member (the cohort has ended or not), so it only orders where it can differ;
        # a constant in ORDER BY would read as a column number in SQLite.
        by_overdue = [(rules.complete, False)] if rules.ended else []
        keys = [
            (~rules.at_risk, False),
            *by_overdue,
            (func.coalesce(LearnerStanding.percent, 0.0), False),
            *name,
        ]
    else:
        keys = list(name)
    keys.append((CohortMember.user_id, False))  # a total order: the reversed one is exact
    start = pagination.offset(page, per_page, int(total))
    shown = max(0, min(per_page, int(total) - start))
    after = int(total) - start - shown  # rows after this page
    # A page nearer the end is read from the end: the same rows in the reversed order with the
    # small OFFSET, so the last page costs what the first does (a top-N sort keeping ``after +
    # shown`` rows, not one that keeps and skips the whole cohort).
    backwards = after < start
    order = [
        expression.desc() if descending != backwards else expression.asc()
        for expression, descending in keys
    ]
    ids = list(
        db.session.execute(
            query.add_columns(CohortMember.user_id)
            .order_by(*order)
            .offset(after if backwards else start)
            .limit(shown if backwards else per_page)
        ).scalars()
    )
    if backwards:
        ids.reverse()
    return ids, int(total)
