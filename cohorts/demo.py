"""Demo data: a cohort on the bundled course, trained by the demo trainer, with the demo learners
at different stages (idempotent: nothing is duplicated when ``flask demo`` runs again).

Runs after the courses demo loader (which enrols the learners and marks modules as done): this
one adds the cohort, some graded quiz attempts and role-play runs written through the models
with the real grading and scoring.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from cohorts import services
from courses.catalogue import Course
from courses.loader import get_course
from courses.roleplay import best_path, score_path, worst_path
from courses.roleplay_models import RoleplayRun
from quizzes.grading import QuizResult, grade
from quizzes.model import Question
from quizzes.models import SUBMITTED, Attempt
from training.demo import DEMO_LOADERS
from training.extensions import db
from training.models import Cohort, CohortMember, User
from training.timeutil import utcnow

DEMO_COURSE = "cap-apm-fr"  # the demo cohort follows the French edition
DEMO_COHORT = "CAP APM — demo cohort"
ENGLISH_COURSE = "cap-apm"  # and a second, smaller cohort the English one
ENGLISH_COHORT = "CAP APM — English-language demo cohort"
ENGLISH_LEARNERS = ("learner4",)


def key_answer(question: Question) -> Any:
    """The right answer in the grading shapes (see quizzes.grading)."""
    kind = question.type
    if kind == "single":
        return next(i for i, c in enumerate(question.choices) if c.correct)
    if kind == "multiple":
        return [i for i, c in enumerate(question.choices) if c.correct]
    if kind == "true_false":
        return question.answer
    if kind == "short_answer":
        return question.answers[0]
    if kind == "numeric":
        return str(question.answer if question.answer is not None else question.min)
    if kind == "matching":
        return {str(i): i for i in range(len(question.pairs))}
    return list(range(len(question.items)))


def wrong_answer(question: Question) -> Any:
    if question.type in ("single", "multiple"):
        wrong = [i for i, c in enumerate(question.choices) if not c.correct]
        return (wrong[0] if question.type == "single" else wrong[:1]) if wrong else None
    if question.type == "true_false":
        return not question.answer
    return None


def _attempt(
    user: User, course: Course, stem: str, right_share: float, when: datetime, count: int = 1
) -> None:
    quiz = course.quiz(stem)
    if quiz is None:
        return
    exists = db.session.execute(
        select(Attempt.id).where(
            Attempt.user_id == user.id,
            Attempt.course_slug == course.slug,
            Attempt.quiz_stem == stem,
        )
    ).first()
    if exists:
        return
    questions = list(quiz.questions)
    cut = round(len(questions) * right_share)
    answers = {q.id: key_answer(q) if i < cut else wrong_answer(q) for i, q in enumerate(questions)}
    result = grade(questions, answers)
    drawn = [{"id": q.id, "order": []} for q in questions]
    mark = quiz.settings.pass_mark or course.completion.pass_mark
    for number in range(1, count + 1):
        _add_attempt(user, course, stem, number, answers, result, mark, drawn, when)


def _add_attempt(
    user: User, course: Course, stem: str, number: int, answers: dict[str, Any],
    result: QuizResult, mark: float, drawn: list[dict[str, Any]], when: datetime,
) -> None:  # fmt: skip
    db.session.add(
        Attempt(
            user_id=user.id, course_slug=course.slug, quiz_stem=stem, number=number,
            practice=False, status=SUBMITTED, started_at=when - timedelta(minutes=9),
            saved_at=when, submitted_at=when, questions=drawn,
            answers=answers, score_points=result.points, max_points=result.max_points,
            percent=result.percent, passed=result.percent >= mark,
            content_version=course.version,
        )
    )  # fmt: skip


def _run(
    user: User, course: Course, slug: str, best: bool, reflection: str, when: datetime
) -> None:
    scenario = course.roleplay(slug)
    if scenario is None:
        return
    exists = db.session.execute(
        select(RoleplayRun.id).where(
            RoleplayRun.user_id == user.id, RoleplayRun.scenario_slug == slug
        )
    ).first()
    if exists:
        return
    path = best_path(scenario) if best else worst_path(scenario)
    score = score_path(scenario, path)
    node = scenario.start
    for node_id, index in path:
        node = scenario.nodes[node_id].choices[index].next
    ending = scenario.nodes[node].ending
    db.session.add(
        RoleplayRun(
            user_id=user.id, course_slug=course.slug, scenario_slug=slug, started_at=when,
            updated_at=when, finished_at=when, current_node=node,
            path=[list(step) for step in path], step=len(path),
            outcome=ending.outcome if ending else "partial", points_total=score.total,
            percent=score.percent, competency_points=dict(score.points),
            reflection=reflection, reflection_saved_at=when, content_version=course.version,
        )
    )  # fmt: skip


def load_cohort_demo(people: dict[str, User]) -> list[str]:
    course = get_course(DEMO_COURSE)
    trainer = people.get("trainer")
    if course is None or trainer is None:
        return ["No demo cohort: the bundled course is not available."]
    cohort = db.session.execute(
        select(Cohort).where(Cohort.name == DEMO_COHORT)
    ).scalar_one_or_none()
    if cohort is None:
        today = utcnow().date()
        cohort = services.create_cohort(
            trainer,
            services.CohortFields(
                DEMO_COHORT, DEMO_COURSE, today - timedelta(days=30), today + timedelta(days=45),
                "Demo group: Amina is well ahead, Lucas is stuck on a quiz, Sofia has not started.",
            ),
        )  # fmt: skip
    now = utcnow()
    for key in ("learner1", "learner2", "learner3"):
        if key in people:
            services.join(people[key], cohort)
    amina, lucas, sofia = (people.get(k) for k in ("learner1", "learner2", "learner3"))
    if amina is not None:
        for i, module in enumerate(course.modules[:3]):
            _attempt(amina, course, module.stem, 1.0 if i else 0.8, now - timedelta(days=3 - i))
        _run(amina, course, "noise-dispute", True, "I let each neighbour speak first.",
             now - timedelta(days=1))  # fmt: skip
    if lucas is not None:
        first = course.modules[0]
        allowed = first.quiz.settings.max_attempts if first.quiz else None
        _attempt(lucas, course, first.stem, 0.3, now - timedelta(days=2), count=allowed or 1)
        _run(lucas, course, "noise-dispute", False, "I went in too fast.", now - timedelta(days=2))
    if sofia is not None:  # joined three weeks ago and did nothing since: at risk
        member = db.session.execute(
            select(CohortMember).where(
                CohortMember.cohort_id == cohort.id, CohortMember.user_id == sofia.id
            )
        ).scalar_one()
        member.joined_at = min(member.joined_at, now - timedelta(days=21))
    db.session.commit()
    return [
        f"Cohort {cohort.name!r} on {course.title} (trainer {trainer.email}), "
        f"join code {cohort.join_code}:",
        "  Amina ahead, Lucas stuck on quiz 1, Sofia not started (at risk).",
        *_english_cohort(people, trainer),
    ]


def _english_cohort(people: dict[str, User], trainer: User) -> list[str]:
    """The English edition's cohort: one learner who reads English better than French."""
    course = get_course(ENGLISH_COURSE)
    if course is None:
        return []
    cohort = db.session.execute(
        select(Cohort).where(Cohort.name == ENGLISH_COHORT)
    ).scalar_one_or_none()
    if cohort is None:
        today = utcnow().date()
        cohort = services.create_cohort(
            trainer,
            services.CohortFields(
                ENGLISH_COHORT, ENGLISH_COURSE, today - timedelta(days=10),
                today + timedelta(days=60), "Demo group following the English edition.",
            ),
        )  # fmt: skip
    for key in ENGLISH_LEARNERS:
        if key in people:
            services.join(people[key], cohort)
    learner = people.get("learner4")
    if learner is not None:
        _attempt(learner, course, course.modules[0].stem, 0.9, utcnow() - timedelta(days=1))
    db.session.commit()
    return [
        f"Cohort {cohort.name!r} on {course.title}, join code {cohort.join_code}: "
        "one learner, quiz 1 passed."
    ]


if load_cohort_demo not in DEMO_LOADERS:
    DEMO_LOADERS.append(load_cohort_demo)
