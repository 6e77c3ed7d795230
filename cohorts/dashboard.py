"""The cohort dashboard: every learner's progress, scores, last activity and risk, at once.

Built from a handful of set-based queries (members, the progress service's four, last activity,
certificates), each filtered by the cohort's membership subquery, so the number of SQL
statements does not depend on the cohort's size. Each learner's standing is the progress
service's (``certificates.progress``), computed from those rows: the same figures and words as
the learner's own pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal, NamedTuple

from flask import current_app
from sqlalchemy import Select, func, select, union_all

from certificates.models import Certificate, Status
from certificates.progress import Item, Progress, needs_second_chance
from certificates.progress_data import empty_progress, progress_of_users
from courses.catalogue import Course
from courses.models import ModuleProgress
from courses.roleplay_models import RoleplayRun
from quizzes.models import Attempt
from training.extensions import db
from training.models import Cohort, CohortMember, User
from training.timeutil import utcnow

CellState = Literal["done", "started", "not_started", "passed", "failed", "in_progress", "excused"]
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
    progress: float = 0.0  # percent of the completion requirements met (standing.percent)
    standing: Progress | None = None  # the progress service's view of this learner
    last_activity: datetime | None = None
    quiz_grades: dict[str, QuizGrade] = field(default_factory=dict)
    roleplay_best: dict[str, float] = field(default_factory=dict)
    certificate: Certificate | None = None
    complete: bool = False
    started: bool = False
    overdue: bool = False
    # "inactive", "quiz_failed:<stem>", "needs_attempt:<kind>:<key>"
    risk_reasons: list[str] = field(default_factory=list)
    second_chances: list[tuple[str, str]] = field(default_factory=list)  # (kind, key) blocked

    @property
    def at_risk(self) -> bool:
        return bool(self.risk_reasons)

    @property
    def failed_quizzes(self) -> list[str]:
        return [r.split(":", 1)[1] for r in self.risk_reasons if r.startswith("quiz_failed:")]

    @property
    def inactive(self) -> bool:
        return "inactive" in self.risk_reasons

    @property
    def needs_second_chance(self) -> bool:
        """The "needs an extra attempt" flag (``certificates.progress.needs_second_chance``)."""
        return bool(self.second_chances)


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
            "second_chance": sum(r.needs_second_chance for r in self.rows),
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


def build(cohort: Cohort, course: Course, *, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard, the charts and the gradebook show, in bounded queries.

    Each learner's standing comes from the one progress service (``certificates.progress``),
    loaded for the whole cohort at once: the matrix, the learner's own pages and the
    certificate can never disagree."""
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

    progress = progress_of_users(course, members)
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
    nothing_yet = empty_progress(course)
    today = now.date()
    for user_id, row in rows.items():
        _fill_row(row, columns, progress.get(user_id, nothing_yet))
        row.certificate = certificates.get(user_id)
        if row.certificate is not None:
            row.complete = True
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


def cell_of(item: Item) -> Cell:
    """The matrix cell of one progress item (a symbol or a score, and a word)."""
    if item.kind == "module":
        cell = DONE if item.state == "done" else STARTED if item.state == "started" else NOT_STARTED
    elif item.score is not None:
        detail = ""
        if item.kind == "quiz":
            detail = f"{item.used}/{item.allowed}" if item.allowed else str(item.used)
        cell = Cell("passed" if item.passed else "failed", item.score, detail)
    else:
        cell = IN_PROGRESS if item.state == "in_progress" else NOT_STARTED
    if item.excused is not None and not item.passed:
        return Cell("excused", cell.score, cell.detail)
    return cell


def _fill_row(row: LearnerRow, columns: list[Column], progress: Progress) -> None:
    row.standing = progress
    for column in columns:
        item = progress.item(column.kind, column.key)
        if item is None:  # the course changed between loading and now: nothing recorded
            row.cells[(column.kind, column.key)] = NOT_STARTED
            continue
        row.cells[(column.kind, column.key)] = cell_of(item)
        if item.kind == "quiz":
            exhausted = item.allowed is not None and item.used >= item.allowed
            row.quiz_grades[item.key] = QuizGrade(
                item.score,
                item.passed,
                item.used,
                item.allowed,
                not item.passed and (exhausted or item.score is not None),
                exhausted,
            )
        elif item.kind == "roleplay":
            row.roleplay_best[item.key] = item.score  # type: ignore[assignment]
    row.progress = progress.percent
    row.complete = progress.complete
    row.second_chances = [(i.kind, i.key) for i in needs_second_chance(progress)]


def _assess(row: LearnerRow, cohort: Cohort, now: datetime, at_risk_days: int) -> None:
    """At risk: no activity for AT_RISK_DAYS (counted from joining when nothing was done yet,
    and never before the cohort starts), a quiz with unlimited attempts failed every time, or a
    requirement that needs a second chance (no attempt or run left: ``needs_second_chance``).
    Overdue: the cohort's end date has passed and the course is not complete."""
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
        if graded.all_failed and graded.attempts_allowed is None:
            # Unlimited attempts, none passed yet: worth a word. With attempts left the learner
            # can still pass; with none left, the row says it needs a second chance.
            row.risk_reasons.append(f"quiz_failed:{stem}")
    for kind, key in row.second_chances:
        row.risk_reasons.append(f"needs_attempt:{kind}:{key}")


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
