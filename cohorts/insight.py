"""Group insight: what the cohort got right and wrong, for a group debrief.

Quizzes: for each question, among the learners who answered it in a submitted counted attempt,
the share whose LATEST such answer is right (what the group knows now). Role-plays: for each
decision node, how many learners took each option in their FIRST run of the scenario (their
instinct, before any feedback), with the option's feedback.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, delete, func, select, true
from sqlalchemy.exc import IntegrityError

from cohorts.insight_models import GradedAnswer, InsightSnapshot
from cohorts.standing_models import LearnerStanding
from cohorts.standings import over_members
from courses.catalogue import Course
from courses.roleplay import Choice, Node, Scenario
from courses.roleplay_models import RoleplayRun
from quizzes.grading import grade_question
from quizzes.model import Question
from quizzes.models import SUBMITTED, Attempt
from training.extensions import db
from training.models import Cohort, CohortMember
from training.timeutil import utcnow


@dataclass(frozen=True)
class QuestionInsight:
    question: Question
    answered: int
    right: int
    partial: int

    @property
    def share_right(self) -> float | None:
        return 100.0 * self.right / self.answered if self.answered else None


@dataclass(frozen=True)
class QuizInsight:
    stem: str
    title: str
    questions: list[QuestionInsight]


@dataclass(frozen=True)
class ChoiceInsight:
    choice: Choice
    learners: int
    share: float | None


@dataclass(frozen=True)
class NodeInsight:
    node: Node
    reached: int
    choices: list[ChoiceInsight]


@dataclass(frozen=True)
class RoleplayInsight:
    scenario: Scenario
    players: int
    nodes: list[NodeInsight]


@dataclass(frozen=True)
class Insight:
    learners: int
    quizzes: list[QuizInsight]
    roleplays: list[RoleplayInsight]

    def weakest(self, count: int = 5) -> list[tuple[QuizInsight, QuestionInsight]]:
        """The questions most learners missed (then the lowest share right), for a debrief."""
        answered = [
            (quiz, q) for quiz in self.quizzes for q in quiz.questions if q.answered and
            q.share_right is not None and q.share_right < 100
        ]  # fmt: skip
        return sorted(
            answered, key=lambda pair: (pair[1].right - pair[1].answered, pair[1].share_right)
        )[:count]


def build(cohort: Cohort, course: Course) -> Insight:
    """The cohort's insight. Counted by aggregate queries (GROUP BY in SQL, attempts submitted
    since graded once first), and kept as a snapshot reused while the cohort's fingerprint
    (membership and standing generations) is unchanged."""
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    learner_count, fingerprint = _fingerprint(cohort, course)
    version = str(course.version)
    snapshot = db.session.get(InsightSnapshot, cohort.id)
    if snapshot is not None and (snapshot.fingerprint, snapshot.course_version) == (
        fingerprint,
        version,
    ):
        counts = snapshot.counts
    else:
        grade_new_attempts(course, members)
        players, picks = _first_run_choices(course, members)
        counts = {
            "questions": [[*key, status, n] for key, c in _latest_statuses(course, members).items()
                          for status, n in c.items()],
            "players": players,
            "picks": [[*key, choice, n] for key, c in picks.items() for choice, n in c.items()],
        }  # fmt: skip
        _store(cohort.id, version, fingerprint, counts)
    statuses: dict[tuple[str, str], Counter[str]] = {}
    for stem, question_id, status, n in counts["questions"]:
        statuses.setdefault((stem, question_id), Counter())[status] += n
    choices: dict[tuple[str, str], Counter[int]] = {}
    for slug, node_id, choice, n in counts["picks"]:
        choices.setdefault((slug, node_id), Counter())[int(choice)] += n
    return _insight(course, learner_count, statuses, counts["players"], choices)


def _fingerprint(cohort: Cohort, course: Course) -> tuple[int, str]:
    """(members, a fingerprint of the members and their standing generations): any attempt,
    run, progress or grant a member writes bumps a generation and so changes it."""
    totals = select(
        func.count(),
        func.coalesce(func.sum(CohortMember.user_id), 0),
        func.coalesce(func.sum(func.coalesce(LearnerStanding.generation, 0)), 0),
    )
    count, ids, generations = db.session.execute(over_members(totals, cohort, course)).one()
    return int(count), f"{count}:{ids}:{generations}"


def _store(cohort_id: int, version: str, fingerprint: str, counts: dict[str, Any]) -> None:
    snapshot = db.session.get(InsightSnapshot, cohort_id)
    if snapshot is None:
        snapshot = InsightSnapshot(cohort_id=cohort_id)
        db.session.add(snapshot)
    snapshot.course_version, snapshot.fingerprint = version, fingerprint
    snapshot.counts, snapshot.computed_at = counts, utcnow()
    try:
        db.session.commit()
    except IntegrityError:  # another view stored it at the same moment: theirs will do
        db.session.rollback()


def _insight(
    course: Course,
    learner_count: int,
    statuses: dict[tuple[str, str], Counter[str]],
    players: dict[str, int],
    picks: dict[tuple[str, str], Counter[int]],
) -> Insight:
    quiz_insights = []
    for module, quiz in course.quizzes():
        rows = []
        for question in quiz.questions:
            counts = statuses.get((module.stem, question.id), Counter())
            rows.append(
                QuestionInsight(
                    question,
                    answered=sum(counts.values()),
                    right=counts["right"],
                    partial=counts["partial"],
                )
            )
        quiz_insights.append(QuizInsight(module.stem, quiz.title or module.title, rows))

    roleplay_insights = []
    for scenario in course.roleplays:
        nodes = []
        for node in _decision_nodes(scenario):
            counter = picks.get((scenario.slug, node.id), Counter())
            reached = sum(counter.values())
            nodes.append(
                NodeInsight(
                    node,
                    reached,
                    [
                        ChoiceInsight(
                            choice,
                            counter[choice.index],
                            100.0 * counter[choice.index] / reached if reached else None,
                        )
                        for choice in node.choices
                    ],
                )
            )
        roleplay_insights.append(RoleplayInsight(scenario, players.get(scenario.slug, 0), nodes))
    return Insight(learner_count, quiz_insights, roleplay_insights)


def _counted(course: Course, members: Any) -> list[ColumnElement[bool]]:
    return [
        Attempt.course_slug == course.slug,
        Attempt.user_id.in_(members),
        Attempt.status == SUBMITTED,
        Attempt.practice.is_(False),
    ]


def grade_new_attempts(course: Course, members: Any) -> int:
    """Grade, once, the counted submitted attempts not yet graded against this content version
    and store one ``GradedAnswer`` per question (commits). Returns how many were graded."""
    version = str(course.version)
    graded = (
        select(GradedAnswer.attempt_id)
        .where(GradedAnswer.attempt_id == Attempt.id, GradedAnswer.version == version)
        .exists()
    )
    pending = db.session.execute(
        select(Attempt.id, Attempt.quiz_stem, Attempt.questions, Attempt.answers).where(
            *_counted(course, members), ~graded
        )
    ).all()
    if not pending:
        return 0
    quizzes = {m.stem: q for m, q in course.quizzes()}
    rows = []
    for attempt_id, stem, drawn, answers in pending:
        quiz = quizzes.get(stem)
        for entry in drawn or []:
            question = quiz.question(entry["id"]) if quiz is not None else None
            if question is None:
                continue  # removed from the quiz since: not counted
            result = grade_question(question, (answers or {}).get(question.id))
            rows.append(
                {"attempt_id": attempt_id, "question_id": question.id, "status": result.status,
                 "points": result.points, "version": version}
            )  # fmt: skip
    ids = [attempt_id for attempt_id, *_rest in pending]
    table = GradedAnswer.__table__
    for start in range(0, len(ids), 500):
        db.session.execute(delete(table).where(table.c.attempt_id.in_(ids[start : start + 500])))
    if rows:
        db.session.execute(table.insert(), rows)
    db.session.commit()
    return len(pending)


def _latest_statuses(course: Course, members: Any) -> dict[tuple[str, str], Counter[str]]:
    """(quiz stem, question id) -> how many learners' LATEST counted answer has each status."""
    latest = (
        select(
            Attempt.quiz_stem.label("stem"),
            GradedAnswer.question_id.label("question_id"),
            GradedAnswer.status.label("status"),
            func.row_number()
            .over(
                partition_by=(Attempt.user_id, Attempt.quiz_stem, GradedAnswer.question_id),
                order_by=Attempt.number.desc(),
            )
            .label("rank"),
        )
        .join(GradedAnswer, GradedAnswer.attempt_id == Attempt.id)
        .where(*_counted(course, members), GradedAnswer.version == str(course.version))
        .subquery()
    )
    result: dict[tuple[str, str], Counter[str]] = {}
    for stem, question_id, status, count in db.session.execute(
        select(latest.c.stem, latest.c.question_id, latest.c.status, func.count())
        .where(latest.c.rank == 1)
        .group_by(latest.c.stem, latest.c.question_id, latest.c.status)
    ):
        result.setdefault((stem, question_id), Counter())[status] += count
    return result


def _first_run_choices(
    course: Course, members: Any
) -> tuple[dict[str, int], dict[tuple[str, str], Counter[int]]]:
    """Players per scenario, and (scenario, node) -> choice index -> learners, over each
    learner's FIRST run: the path's steps are read by the database's JSON functions."""
    first = (
        select(
            RoleplayRun.id.label("id"),
            RoleplayRun.scenario_slug.label("slug"),
            RoleplayRun.path.label("path"),
            func.row_number()
            .over(
                partition_by=(RoleplayRun.user_id, RoleplayRun.scenario_slug),
                order_by=(RoleplayRun.started_at, RoleplayRun.id),
            )
            .label("rank"),
        )
        .where(RoleplayRun.course_slug == course.slug, RoleplayRun.user_id.in_(members))
        .subquery()
    )
    players = {
        slug: count
        for slug, count in db.session.execute(
            select(first.c.slug, func.count()).where(first.c.rank == 1).group_by(first.c.slug)
        )
    }
    if db.engine.dialect.name == "postgresql":
        step = func.json_array_elements(first.c.path).table_valued("value").alias("step")
        node = step.c.value.op("->>")(0)
        index = cast(step.c.value.op("->>")(1), Integer)
    else:
        step = func.json_each(first.c.path).table_valued("value").alias("step")
        node = func.json_extract(step.c.value, "$[0]")
        index = cast(func.json_extract(step.c.value, "$[1]"), Integer)
    picks: dict[tuple[str, str], Counter[int]] = {}
    for slug, node_id, choice, count in db.session.execute(
        select(first.c.slug, node.label("node"), index.label("choice"), func.count())
        .select_from(first)
        .join(step, true())
        .where(first.c.rank == 1)
        .group_by(first.c.slug, node, index)
    ):
        picks.setdefault((slug, str(node_id)), Counter())[int(choice)] += count
    return players, picks


def _decision_nodes(scenario: Scenario) -> list[Node]:
    """Decision nodes in the order a player meets them (breadth-first from the start)."""
    order: list[Node] = []
    seen = {scenario.start}
    queue = [scenario.start]
    while queue:
        node = scenario.nodes[queue.pop(0)]
        if node.is_ending:
            continue
        order.append(node)
        for choice in node.choices:
            if choice.next not in seen:
                seen.add(choice.next)
                queue.append(choice.next)
    return order
