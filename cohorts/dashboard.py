"""The cohort dashboard: each learner's progress, scores, last activity and risk.

``page_of`` builds one page (50 learners by default) sorted and filtered in SQL over the cached
standings (``cohorts.standings``), with counts and charts over the whole cohort; ``build``
makes every row at once (the weekly digest, the quality indicators); ``batches`` makes them a
batch at a time, in the same order, for the gradebook export. Rows come from a handful of
set-based queries (members, the progress service's four, last activity, certificates) for the
page's ids, so neither the number of SQL statements nor the rows loaded depend on the cohort's
size.
Each learner's figures are the progress service's (``certificates.progress``): the same
figures and words as the learner's own pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal, NamedTuple

from flask import current_app
from sqlalchemy import select

from certificates.models import Certificate
from certificates.progress import Item, Progress, needs_second_chance
from certificates.progress_data import empty_progress, progress_of_users
from cohorts import standings
from courses.catalogue import Course
from training.extensions import db
from training.models import Cohort, CohortMember, User
from training.timeutil import utcnow

CellState = Literal["done", "started", "not_started", "passed", "failed", "in_progress", "excused"]
SORTS = standings.SORT_KEYS
FILTERS = standings.FILTER_KEYS
COLUMN_SETS = ("all", "modules", "quizzes", "roleplays")


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
    """Every learner's row at once (the gradebook export streams them), in bounded queries.

    Each learner's standing comes from the one progress service (``certificates.progress``),
    loaded for the whole cohort at once: the matrix, the learner's own pages and the
    certificate can never disagree. The dashboard page shows one page of rows (``page``)."""
    now = now or utcnow()
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    rows = rows_of(cohort, course, members, now)
    ordered = sorted(rows.values(), key=lambda r: _name_key(r.user))
    return Dashboard(cohort, course, columns_of(course), ordered, _at_risk_days(), now.date())


def batches(
    cohort: Cohort, course: Course, size: int, *, now: datetime | None = None
) -> Iterator[list[LearnerRow]]:
    """Every learner's row, ordered as ``build`` orders them, ``size`` rows at a time.

    Only the members' ids and names are read for the whole cohort (to sort them); each batch's
    rows are built and dropped in turn, so memory holds one batch, not the cohort."""
    now = now or utcnow()
    members = db.session.execute(
        select(User.id, User.full_name, User.email)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id)
    ).all()
    members.sort(key=lambda m: (m.full_name.casefold(), m.email))
    ordered_ids = [m.id for m in members]
    del members
    for start in range(0, len(ordered_ids), size):
        ids = ordered_ids[start : start + size]
        rows = rows_of(cohort, course, ids, now)
        yield [rows[i] for i in ids if i in rows]


def _at_risk_days() -> int:
    return int(current_app.config.get("AT_RISK_DAYS", 14))


def rows_of(cohort: Cohort, course: Course, user_ids: Any, now: datetime) -> dict[int, LearnerRow]:
    """The rows of these members (a list of ids or a SELECT of them), by user id."""
    slug = course.slug
    rows: dict[int, LearnerRow] = {}
    for member, user in db.session.execute(
        select(CohortMember, User)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.user_id.in_(user_ids))
    ):
        rows[user.id] = LearnerRow(user=user, joined_at=member.joined_at)
    if not rows:
        return rows
    progress = progress_of_users(course, user_ids)
    last_activity = standings.last_activity_of(slug, user_ids)
    certificates = standings.certified(slug, user_ids)
    columns = columns_of(course)
    nothing_yet = empty_progress(course)
    at_risk_days = _at_risk_days()
    for user_id, row in rows.items():
        _fill_row(row, columns, progress.get(user_id, nothing_yet))
        row.certificate = certificates.get(user_id)
        if row.certificate is not None:
            row.complete = True
        row.last_activity = last_activity.get(user_id)
        row.started = row.last_activity is not None
        _assess(row, cohort, now, at_risk_days)
    return rows


@dataclass
class DashboardPage:
    """One page of the dashboard: counts and charts over the whole cohort (SQL over the
    standings), rows for the page's learners only."""

    dashboard: Dashboard  # its rows are the page's, in the order asked
    counts: dict[str, int]
    progress_bands: list[int]
    score_bands: list[int]
    matching: int  # members the filter keeps (all pages)


def page_of(
    cohort: Cohort,
    course: Course,
    *,
    sort: str,
    show: str,
    page: int,
    per_page: int,
    now: datetime | None = None,
) -> DashboardPage:
    """The dashboard at one page: queries and time depend on the page, not on the cohort."""
    now = now or utcnow()
    rules = standings.conditions(cohort, now, _at_risk_days())
    figures = standings.fresh_summary(cohort, course, rules)  # refreshes stale standings first
    matching = figures.matching(show)
    ids, _ = standings.page_of_ids(
        cohort, course, rules, sort=sort, show=show, page=page, per_page=per_page, total=matching
    )
    rows = rows_of(cohort, course, ids, now) if ids else {}
    ordered = [rows[i] for i in ids if i in rows]
    data = Dashboard(cohort, course, columns_of(course), ordered, _at_risk_days(), now.date())
    return DashboardPage(
        dashboard=data,
        counts=figures.counts,
        progress_bands=figures.progress_bands,
        score_bands=figures.score_bands,
        matching=matching,
    )


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
