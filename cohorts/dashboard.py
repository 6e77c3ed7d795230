"""The cohort dashboard: every learner's progress, scores, last activity and risk, at once.

Built from a handful of set-based queries (members, module progress, counted quiz attempts,
role-play runs, certificates), each filtered by the cohort's membership subquery, so the number
of SQL statements does not depend on the cohort's size. Grades are computed here from the
loaded rows with the quiz's own grading method, rather than per learner through the quiz
services (which would run queries per learner).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal, NamedTuple

from flask import current_app
from sqlalchemy import Select, func, select, union_all

from certificates.models import Certificate, Status
from courses.catalogue import Course
from courses.models import ModuleProgress
from courses.roleplay_models import RoleplayRun
from quizzes.grading import compute_grade
from quizzes.models import SUBMITTED, Attempt
from training.extensions import db
from training.models import Cohort, CohortMember, User
from training.timeutil import utcnow

CellState = Literal["done", "started", "not_started", "passed", "failed", "in_progress"]
SORTS = ("name", "progress", "activity", "risk")
FILTERS = ("all", "at_risk", "not_started", "completed")


@dataclass(frozen=True)
class Column:
    kind: Literal["module", "quiz", "roleplay"]
    key: str
    label: str  # full title (header tooltip and visually-hidden text)
    short: str  # what fits in a column header: "M3", "Q3", "RP2"
    required: bool


class Cell(NamedTuple):
    """A tuple rather than a dataclass: thousands are made per page."""

    state: CellState
    score: float | None = None  # percent, for quizzes and role-plays
    detail: str = ""  # e.g. "2/3" attempts


DONE, STARTED, IN_PROGRESS, NOT_STARTED = (
    Cell("done"), Cell("started"), Cell("in_progress"), Cell("not_started")
)  # fmt: skip


@dataclass(frozen=True)
class QuizGrade:
    grade: float | None
    passed: bool
    attempts_used: int
    attempts_allowed: int | None
    all_failed: bool
    exhausted: bool


@dataclass
class LearnerRow:
    user: User
    joined_at: datetime
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    progress: float = 0.0  # percent of the completion requirements met
    last_activity: datetime | None = None
    quiz_grades: dict[str, QuizGrade] = field(default_factory=dict)
    roleplay_best: dict[str, float] = field(default_factory=dict)
    certificate: Certificate | None = None
    complete: bool = False
    started: bool = False
    overdue: bool = False
    risk_reasons: list[str] = field(default_factory=list)  # "inactive", "quiz_failed:<stem>"

    @property
    def at_risk(self) -> bool:
        return bool(self.risk_reasons)

    @property
    def failed_quizzes(self) -> list[str]:
        return [r.split(":", 1)[1] for r in self.risk_reasons if r.startswith("quiz_failed:")]

    @property
    def inactive(self) -> bool:
        return "inactive" in self.risk_reasons


@dataclass
class Dashboard:
    cohort: Cohort
    course: Course
    columns: list[Column]
    rows: list[LearnerRow]
    at_risk_days: int
    today: date

    @property
    def ended(self) -> bool:
        return self.cohort.ends_on is not None and self.cohort.ends_on < self.today

    def counts(self) -> dict[str, int]:
        return {
            "learners": len(self.rows),
            "at_risk": sum(r.at_risk for r in self.rows),
            "not_started": sum(not r.started for r in self.rows),
            "completed": sum(r.complete for r in self.rows),
            "overdue": sum(r.overdue for r in self.rows),
        }


def columns_of(course: Course) -> list[Column]:
    rules = course.completion
    columns = [
        Column("module", m.stem, m.title, f"M{m.index}", m.stem in rules.modules)
        for m in course.modules
    ]
    columns += [
        Column("quiz", m.stem, m.quiz.title or m.title, f"Q{m.index}", m.stem in rules.quizzes)
        for m, _quiz in course.quizzes()
        if m.quiz is not None
    ]
    columns += [
        Column("roleplay", s.slug, s.title, f"R{i}", s.slug in rules.roleplays)
        for i, s in enumerate(course.roleplays, start=1)
    ]
    return columns


def quiz_grade(
    submitted: list[Any], used: int, method: str, pass_mark: float, allowed: int | None
) -> QuizGrade:
    """The grade over counted, submitted attempts (oldest first) by the quiz's method; the
    same rules as ``quizzes.services.standing``, applied to rows already loaded."""
    grade = compute_grade([a.percent or 0.0 for a in submitted], method)
    passed = grade is not None and grade >= pass_mark
    exhausted = allowed is not None and used >= allowed
    all_failed = not passed and (
        exhausted or (bool(submitted) and not any(a.passed for a in submitted))
    )
    return QuizGrade(grade, passed, used, allowed, all_failed, exhausted)


def build(cohort: Cohort, course: Course, *, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard, the charts and the gradebook show, in bounded queries."""
    now = now or utcnow()
    at_risk_days = int(current_app.config.get("AT_RISK_DAYS", 14))
    slug = course.slug
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)

    rows: dict[int, LearnerRow] = {}
    for member, user in db.session.execute(
        select(CohortMember, User)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort.id)
    ):
        rows[user.id] = LearnerRow(user=user, joined_at=member.joined_at)

    # Plain rows without timestamps rather than ORM objects: thousands of them per page, and
    # turning SQLite's datetime strings into datetimes is what costs most. The latest activity
    # per learner comes from one aggregate query instead.
    progress: dict[int, dict[str, bool]] = defaultdict(dict)
    for user_id, stem, done in db.session.execute(
        select(
            ModuleProgress.user_id,
            ModuleProgress.module_stem,
            ModuleProgress.completed_at.is_not(None),
        ).where(ModuleProgress.course_slug == slug, ModuleProgress.user_id.in_(members))
    ):
        progress[user_id][stem] = bool(done)

    attempts: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    open_attempts: dict[int, set[str]] = defaultdict(set)
    for attempt in db.session.execute(
        select(
            Attempt.user_id, Attempt.quiz_stem, Attempt.status, Attempt.percent, Attempt.passed,
        )
        .where(
            Attempt.course_slug == slug,
            Attempt.user_id.in_(members),
            Attempt.practice.is_(False),
        )
        .order_by(Attempt.user_id, Attempt.quiz_stem, Attempt.number)
    ):  # fmt: skip
        if attempt.status == SUBMITTED:
            attempts[attempt.user_id][attempt.quiz_stem].append(attempt)
        else:
            open_attempts[attempt.user_id].add(attempt.quiz_stem)

    best: dict[int, dict[str, float]] = defaultdict(dict)
    started_runs: dict[int, set[str]] = defaultdict(set)
    for user_id, scenario_slug, percent, finished in db.session.execute(
        select(
            RoleplayRun.user_id,
            RoleplayRun.scenario_slug,
            RoleplayRun.percent,
            RoleplayRun.finished_at.is_not(None),
        ).where(RoleplayRun.course_slug == slug, RoleplayRun.user_id.in_(members))
    ):
        started_runs[user_id].add(scenario_slug)
        if finished and percent is not None:
            best[user_id][scenario_slug] = max(best[user_id].get(scenario_slug, 0.0), percent)

    last_activity = _last_activity(slug, members)

    certificates: dict[int, Certificate] = {}
    for certificate in db.session.execute(
        select(Certificate)
        .where(
            Certificate.course_slug == slug,
            Certificate.user_id.in_(members),
            Certificate.status == Status.VALID.value,
        )
        .order_by(Certificate.issued_at)
    ).scalars():
        certificates[certificate.user_id] = certificate

    columns = columns_of(course)
    rules = course.completion
    quizzes = {
        m.stem: (
            q.settings.grading,
            q.settings.pass_mark if q.settings.pass_mark is not None else rules.pass_mark,
            q.settings.max_attempts,
        )
        for m, q in course.quizzes()
    }
    today = now.date()
    for user_id, row in rows.items():
        _fill_row(
            row, columns, rules, quizzes, progress.get(user_id, {}),
            attempts.get(user_id, {}), open_attempts.get(user_id, set()),
            best.get(user_id, {}), started_runs.get(user_id, set()),
        )  # fmt: skip
        row.certificate = certificates.get(user_id)
        if row.certificate is not None:
            row.complete = True
            row.progress = 100.0
        row.last_activity = last_activity.get(user_id)
        row.started = row.last_activity is not None
        _assess(row, cohort, now, at_risk_days)
    ordered = sorted(rows.values(), key=lambda r: _name_key(r.user))
    return Dashboard(cohort, course, columns, ordered, at_risk_days, today)


def _last_activity(slug: str, members: Select[Any]) -> dict[int, datetime]:
    """Each learner's latest moment in the course (module opened or done, quiz started, saved or
    submitted, role-play step), in one aggregate query."""
    parts = [
        select(table.user_id.label("user_id"), func.max(column).label("at"))
        .where(table.course_slug == slug, table.user_id.in_(members))
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


def _fill_row(
    row: LearnerRow,
    columns: list[Column],
    rules,  # noqa: ANN001 - CompletionRules
    quizzes: dict[str, tuple[str, float, int | None]],
    progress: dict[str, bool],
    attempts: dict[str, list[Any]],
    open_attempts: set[str],
    best: dict[str, float],
    started_runs: set[str],
) -> None:
    required_done = 0
    required = 0
    for column in columns:
        if column.kind == "module":
            done_flag = progress.get(column.key)
            cell = DONE if done_flag else NOT_STARTED if done_flag is None else STARTED
            done = bool(done_flag)
        elif column.kind == "quiz":
            method, pass_mark, allowed_attempts = quizzes[column.key]
            submitted = attempts.get(column.key, [])
            used = len(submitted) + (column.key in open_attempts)
            graded = quiz_grade(submitted, used, method, pass_mark, allowed_attempts)
            row.quiz_grades[column.key] = graded
            allowed = graded.attempts_allowed
            detail = f"{graded.attempts_used}/{allowed}" if allowed else str(graded.attempts_used)
            if graded.grade is not None:
                cell = Cell("passed" if graded.passed else "failed", graded.grade, detail)
            else:
                cell = IN_PROGRESS if column.key in open_attempts else NOT_STARTED
            done = graded.passed
        else:
            score = best.get(column.key)
            row.roleplay_best[column.key] = score  # type: ignore[assignment]
            if score is not None:
                passed = score >= rules.roleplay_min_score
                cell = Cell("passed" if passed else "failed", score)
            else:
                cell = IN_PROGRESS if column.key in started_runs else NOT_STARTED
            done = cell.state == "passed"
        row.cells[(column.kind, column.key)] = cell
        if column.required:
            required += 1
            required_done += done
    if required == 0:  # nothing required: progress is reading the modules
        modules = [c for c in columns if c.kind == "module"]
        required = len(modules)
        required_done = sum(row.cells[("module", c.key)].state == "done" for c in modules)
    row.progress = 100.0 * required_done / required if required else 0.0
    row.complete = required > 0 and required_done == required


def _assess(row: LearnerRow, cohort: Cohort, now: datetime, at_risk_days: int) -> None:
    """At risk: no activity for AT_RISK_DAYS (counted from joining when nothing was done yet,
    and never before the cohort starts), or a quiz failed on every attempt with no attempt left
    to pass it. Overdue: the cohort's end date has passed and the course is not complete."""
    today = now.date()
    if row.complete:
        return
    if cohort.ends_on is not None and cohort.ends_on < today:
        row.overdue = True
    reference = row.last_activity or row.joined_at
    if cohort.starts_on is not None:
        reference = max(reference, datetime.combine(cohort.starts_on, datetime.min.time()))
    if now - reference > timedelta(days=at_risk_days):
        row.risk_reasons.append("inactive")
    for stem, graded in row.quiz_grades.items():
        if graded.all_failed and (graded.exhausted or graded.attempts_allowed is None):
            # With attempts left the learner can still pass: not (yet) a reason for concern.
            row.risk_reasons.append(f"quiz_failed:{stem}")


def _name_key(user: User) -> tuple[str, str]:
    return (user.full_name.casefold(), user.email)


def sort_and_filter(rows: Iterable[LearnerRow], sort: str, show: str) -> list[LearnerRow]:
    """GET-parameter sorting and filtering (works without JavaScript)."""
    selected = list(rows)
    if show == "at_risk":
        selected = [r for r in selected if r.at_risk]
    elif show == "not_started":
        selected = [r for r in selected if not r.started]
    elif show == "completed":
        selected = [r for r in selected if r.complete]
    selected.sort(key=lambda r: _name_key(r.user))
    if sort == "progress":
        selected.sort(key=lambda r: -r.progress)
    elif sort == "activity":  # most recent first, never-active last
        selected.sort(key=lambda r: r.last_activity or datetime.min, reverse=True)
    elif sort == "risk":
        selected.sort(key=lambda r: (not r.at_risk, not r.overdue, r.progress))
    return selected
