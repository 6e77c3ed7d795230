"""Quiz statistics for trainers (issue 17), after Moodle's quiz statistics report.

For each question of a quiz, over each learner's **first** graded attempt (Moodle's "first
attempt" option: one independent response per learner):

- **facility index**: the mean score on the question, as a percent of its maximum (Moodle's
  "Facility index"; 100 % means everyone got it right);
- **discrimination index**: the correlation (Pearson, as a percent) between the score on the
  question and the score on the *rest* of the quiz (Moodle's "Discrimination index"). Above
  30 % a question separates stronger from weaker learners; below it, weakly; negative, the
  stronger learners did worse on it, which usually means a wrong key or a confusing wording;
- **choice frequencies**: how many responses picked each choice (single, multiple and
  true/false questions).

A statistic is flagged when the sample is smaller than ``QUIZ_STATS_MIN_SAMPLE`` (default 10)
responses: with fewer, one learner moves the index by 10 points or more.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select

from quizzes.grading import grade_question
from quizzes.models import SUBMITTED, Attempt
from training.extensions import db

WEAK_DISCRIMINATION = 30.0


@dataclass(frozen=True)
class ChoiceStat:
    label: str
    correct: bool
    count: int
    percent: float | None  # of the question's responses


@dataclass(frozen=True)
class QuestionStat:
    question: Any  # quizzes.model.Question
    responses: int
    facility: float | None
    discrimination: float | None
    choices: tuple[ChoiceStat, ...] = ()
    flags: tuple[str, ...] = ()  # "small_sample", "negative_discrimination", "weak_discrimination"


@dataclass(frozen=True)
class QuizStats:
    stem: str
    title: str
    attempts: int
    mean_percent: float | None
    min_sample: int
    questions: tuple[QuestionStat, ...] = field(default_factory=tuple)

    @property
    def small_sample(self) -> bool:
        return self.attempts < self.min_sample


@dataclass(frozen=True)
class Response:
    """One attempt, as the statistics read it."""

    question_ids: tuple[str, ...]
    answers: dict[str, Any]
    percent: float | None


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The correlation coefficient, or None when either side does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def _picked(question: Any, answer: Any) -> set[int]:
    if question.type == "true_false":
        if isinstance(answer, bool):
            return {0 if answer else 1}
        return set()
    values = answer if isinstance(answer, list | tuple) else [answer]
    picked = set()
    for value in values:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and 0 <= value < len(question.choices)
        ):
            picked.add(value)
    return picked


def _choices(question: Any, answers: list[Any]) -> tuple[ChoiceStat, ...]:
    if question.type == "true_false":
        labels = [("True", question.answer is True), ("False", question.answer is False)]
    elif question.type in ("single", "multiple"):
        labels = [(choice.text, choice.correct) for choice in question.choices]
    else:
        return ()
    counts = [0] * len(labels)
    for answer in answers:
        for index in _picked(question, answer):
            counts[index] += 1
    total = len(answers)
    return tuple(
        ChoiceStat(label, correct, count, 100.0 * count / total if total else None)
        for (label, correct), count in zip(labels, counts, strict=True)
    )


def compute(quiz: Any, stem: str, responses: Sequence[Response], min_sample: int) -> QuizStats:
    """The statistics of ``quiz`` over ``responses`` (pure)."""
    scores: list[dict[str, float]] = []
    for response in responses:
        per_question = {}
        for qid in response.question_ids:
            question = quiz.question(qid) if hasattr(quiz, "question") else None
            if question is None:
                continue  # a question removed since: not counted
            result = grade_question(question, response.answers.get(qid))
            per_question[qid] = result.points / result.max_points if result.max_points else 0.0
        scores.append(per_question)
    stats = []
    for question in quiz.questions:
        asked = [(s, r) for s, r in zip(scores, responses, strict=True) if question.id in s]
        xs = [s[question.id] for s, _r in asked]
        rest = [sum(v for k, v in s.items() if k != question.id) for s, _r in asked]
        facility = 100.0 * sum(xs) / len(xs) if xs else None
        r = pearson(xs, rest)
        discrimination = 100.0 * r if r is not None else None
        flags = []
        if len(xs) < min_sample:
            flags.append("small_sample")
        elif discrimination is not None and discrimination < 0:
            flags.append("negative_discrimination")
        elif discrimination is not None and discrimination < WEAK_DISCRIMINATION:
            flags.append("weak_discrimination")
        choices = _choices(question, [r.answers.get(question.id) for _s, r in asked])
        stats.append(
            QuestionStat(question, len(xs), facility, discrimination, choices, tuple(flags))
        )
    percents = [r.percent for r in responses if r.percent is not None]
    return QuizStats(
        stem=stem,
        title=quiz.title or stem,
        attempts=len(responses),
        mean_percent=sum(percents) / len(percents) if percents else None,
        min_sample=min_sample,
        questions=tuple(stats),
    )


def first_attempts(
    course_slug: str, stem: str, user_ids: Iterable[int] | Any | None
) -> list[Response]:
    """Each learner's first submitted, counted attempt at the quiz (``user_ids`` None: all)."""
    statement = (
        select(Attempt)
        .where(
            Attempt.course_slug == course_slug,
            Attempt.quiz_stem == stem,
            Attempt.practice.is_(False),
            Attempt.status == SUBMITTED,
        )
        .order_by(Attempt.user_id, Attempt.number, Attempt.id)
    )
    if user_ids is not None:
        statement = statement.where(Attempt.user_id.in_(user_ids))
    seen: set[int] = set()
    responses = []
    for attempt in db.session.execute(statement).scalars():
        if attempt.user_id in seen:
            continue
        seen.add(attempt.user_id)
        responses.append(
            Response(tuple(attempt.question_ids), attempt.answers or {}, attempt.percent)
        )
    return responses


def quiz_statistics(
    course: Any, stem: str, user_ids: Iterable[int] | Any | None
) -> QuizStats | None:
    quiz = course.quiz(stem)
    if quiz is None:
        return None
    min_sample = int(current_app.config.get("QUIZ_STATS_MIN_SAMPLE", 10))
    return compute(quiz, stem, first_attempts(course.slug, stem, user_ids), min_sample)
