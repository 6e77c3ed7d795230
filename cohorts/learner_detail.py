"""One learner of a cohort in full: modules, every quiz attempt with its answers, every role-play
run with its path and reflection, and the certificate. A single learner, so a few queries each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from certificates.models import Certificate
from courses.catalogue import Course, Module
from courses.models import ModuleProgress
from courses.roleplay import Choice, Node, Scenario
from courses.roleplay_models import RoleplayRun
from quizzes.grading import QuestionResult, grade_question
from quizzes.model import Question
from quizzes.models import SUBMITTED, Attempt
from training.extensions import db
from training.models import Cohort, CohortMember, User


@dataclass(frozen=True)
class ModuleLine:
    module: Module
    progress: ModuleProgress | None


@dataclass(frozen=True)
class AnswerLine:
    question: Question
    given: Markup
    result: QuestionResult


@dataclass(frozen=True)
class AttemptView:
    attempt: Attempt
    answers: list[AnswerLine]


@dataclass(frozen=True)
class QuizView:
    module: Module
    attempts: list[AttemptView]


@dataclass(frozen=True)
class RunStep:
    node: Node | None
    choice: Choice | None


@dataclass(frozen=True)
class RunView:
    run: RoleplayRun
    steps: list[RunStep]


@dataclass(frozen=True)
class ScenarioView:
    scenario: Scenario
    runs: list[RunView]


@dataclass
class LearnerDetail:
    cohort: Cohort
    course: Course
    learner: User
    joined_at: datetime
    modules: list[ModuleLine] = field(default_factory=list)
    quizzes: list[QuizView] = field(default_factory=list)
    roleplays: list[ScenarioView] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)


def _choice_html(question: Question, index: int) -> Markup:
    if index < 0:
        raise IndexError(index)
    choice = question.choices[index]
    if choice.text_html:
        return Markup(choice.text_html)  # noqa: S704 - sanitised by training.markdown at parse time
    return escape(choice.text)


def answer_display(question: Question, answer: Any) -> Markup:
    """The learner's answer as readable HTML (choice texts rather than indices)."""
    if answer is None or answer == "" or answer == [] or answer == {}:
        return Markup("<em>{}</em>").format(_("no answer"))
    try:
        if question.type == "single":
            return _choice_html(question, int(answer))
        if question.type == "multiple":
            picked = sorted({int(i) for i in answer})
            return Markup("; ").join(_choice_html(question, i) for i in picked)
        if question.type == "true_false":
            return escape(_("True") if answer in (True, "true", "1", 1) else _("False"))
        if question.type == "matching":
            return Markup("; ").join(
                Markup("{} → {}").format(
                    question.pairs[int(left)][0], question.pairs[int(right)][1]
                )
                for left, right in sorted(answer.items(), key=lambda kv: int(kv[0]))
            )
        if question.type == "ordering":
            return Markup(" → ").join(escape(question.items[int(i)]) for i in answer)
    except (IndexError, KeyError, TypeError, ValueError, AttributeError):
        return escape(str(answer))
    return escape(str(answer))


def build(cohort: Cohort, course: Course, learner_id: int) -> LearnerDetail | None:
    """None unless the learner belongs to the cohort."""
    found = db.session.execute(
        select(CohortMember, User)
        .join(User, User.id == CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == learner_id)
    ).first()
    if found is None:
        return None
    member, learner = found
    detail = LearnerDetail(cohort, course, learner, member.joined_at)
    slug = course.slug

    progress = {
        mp.module_stem: mp
        for mp in db.session.execute(
            select(ModuleProgress).where(
                ModuleProgress.user_id == learner_id, ModuleProgress.course_slug == slug
            )
        ).scalars()
    }
    detail.modules = [ModuleLine(m, progress.get(m.stem)) for m in course.modules]

    attempts: dict[str, list[Attempt]] = {}
    for attempt in db.session.execute(
        select(Attempt)
        .where(
            Attempt.user_id == learner_id,
            Attempt.course_slug == slug,
            Attempt.status == SUBMITTED,
        )
        .order_by(Attempt.quiz_stem, Attempt.practice, Attempt.number)
    ).scalars():
        attempts.setdefault(attempt.quiz_stem, []).append(attempt)
    for module, quiz in course.quizzes():
        views = []
        for attempt in attempts.get(module.stem, []):
            answers = attempt.answers or {}
            lines = []
            for question_id in attempt.question_ids:
                question = quiz.question(question_id)
                if question is None:
                    continue
                given = answers.get(question_id)
                shown = answer_display(question, given)
                lines.append(AnswerLine(question, shown, grade_question(question, given)))
            views.append(AttemptView(attempt, lines))
        detail.quizzes.append(QuizView(module, views))

    runs: dict[str, list[RoleplayRun]] = {}
    for run in db.session.execute(
        select(RoleplayRun)
        .where(RoleplayRun.user_id == learner_id, RoleplayRun.course_slug == slug)
        .order_by(RoleplayRun.started_at, RoleplayRun.id)
    ).scalars():
        runs.setdefault(run.scenario_slug, []).append(run)
    for scenario in course.roleplays:
        views_ = []
        for run in runs.get(scenario.slug, []):
            steps = []
            for node_id, index in run.steps:
                node = scenario.nodes.get(node_id)
                valid = node is not None and 0 <= index < len(node.choices)
                choice = node.choices[index] if valid else None
                steps.append(RunStep(node, choice))
            views_.append(RunView(run, steps))
        detail.roleplays.append(ScenarioView(scenario, views_))

    detail.certificates = list(
        db.session.execute(
            select(Certificate)
            .where(Certificate.user_id == learner_id, Certificate.course_slug == slug)
            .order_by(Certificate.issued_at.desc())
        ).scalars()
    )
    return detail
