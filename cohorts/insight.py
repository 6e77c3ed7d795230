"""Group insight: what the cohort got right and wrong, for a group debrief.

Quizzes: for each question, among the learners who answered it in a submitted counted attempt,
the share whose LATEST such answer is right (what the group knows now). Role-plays: for each
decision node, how many learners took each option in their FIRST run of the scenario (their
instinct, before any feedback), with the option's feedback.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from courses.catalogue import Course
from courses.roleplay import Choice, Node, Scenario
from courses.roleplay_models import RoleplayRun
from quizzes.grading import grade_question
from quizzes.model import Question
from quizzes.models import SUBMITTED, Attempt
from training.extensions import db
from training.models import Cohort, CohortMember


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
    """Two set-based queries (attempts, runs) for the whole cohort; grading is pure."""
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    learner_count = len(db.session.execute(members).all())

    # user -> stem -> question id -> status of the latest answer
    latest: dict[str, dict[str, dict[int, str]]] = {}
    quizzes = {m.stem: q for m, q in course.quizzes()}
    for attempt in db.session.execute(
        select(Attempt)
        .where(
            Attempt.course_slug == course.slug,
            Attempt.user_id.in_(members),
            Attempt.status == SUBMITTED,
            Attempt.practice.is_(False),
        )
        .order_by(Attempt.user_id, Attempt.number)
    ).scalars():
        quiz = quizzes.get(attempt.quiz_stem)
        if quiz is None:
            continue
        answers = attempt.answers or {}
        for question_id in attempt.question_ids:
            question = quiz.question(question_id)
            if question is None:
                continue
            status = grade_question(question, answers.get(question_id)).status
            latest.setdefault(attempt.quiz_stem, {}).setdefault(question_id, {})[
                attempt.user_id
            ] = status

    quiz_insights = []
    for module, quiz in course.quizzes():
        by_question = latest.get(module.stem, {})
        rows = []
        for question in quiz.questions:
            statuses = Counter(by_question.get(question.id, {}).values())
            rows.append(
                QuestionInsight(
                    question,
                    answered=sum(statuses.values()),
                    right=statuses["right"],
                    partial=statuses["partial"],
                )
            )
        quiz_insights.append(QuizInsight(module.stem, quiz.title or module.title, rows))

    first_runs: dict[tuple[int, str], list] = {}
    for user_id, scenario_slug, path in db.session.execute(
        select(RoleplayRun.user_id, RoleplayRun.scenario_slug, RoleplayRun.path)
        .where(RoleplayRun.course_slug == course.slug, RoleplayRun.user_id.in_(members))
        .order_by(RoleplayRun.started_at, RoleplayRun.id)
    ):
        first_runs.setdefault((user_id, scenario_slug), path or [])

    roleplay_insights = []
    for scenario in course.roleplays:
        picks: dict[str, Counter[int]] = {}
        players = 0
        for (_user_id, slug), path in first_runs.items():
            if slug != scenario.slug:
                continue
            players += 1
            for step in path:
                node_id, index = str(step[0]), int(step[1])
                picks.setdefault(node_id, Counter())[index] += 1
        nodes = []
        for node in _decision_nodes(scenario):
            counter = picks.get(node.id, Counter())
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
        roleplay_insights.append(RoleplayInsight(scenario, players, nodes))
    return Insight(learner_count, quiz_insights, roleplay_insights)


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
