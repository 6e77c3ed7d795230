"""Reading a learner's quiz attempts and standing: grade, pass, attempts left, the key.

The grade follows the quiz's grading method over counted, submitted attempts; the attempts
allowed are ``max_attempts`` plus the extra attempts a trainer granted
(``courses.overrides``); ``key_visible`` says whether a review may show the right answers.
``quizzes.services`` re-exports everything here for its callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from courses.overrides import extra_attempts
from quizzes.grading import QuizResult, compute_grade, grade
from quizzes.model import Question, Quiz
from quizzes.models import IN_PROGRESS, SUBMITTED, Attempt
from training.extensions import db
from training.timeutil import utcnow


class AttemptNotFound(LookupError):
    """Unknown attempt, or someone else's (the views answer 404 either way)."""


@dataclass(frozen=True)
class QuizStanding:
    grade_percent: float | None
    passed: bool
    attempts_used: int
    attempts_allowed: int | None  # max_attempts plus a trainer's extra attempts; None: no limit
    all_failed: bool
    extra_attempts: int = 0

    @property
    def attempts_left(self) -> int | None:
        if self.attempts_allowed is None:
            return None
        return max(0, self.attempts_allowed - self.attempts_used)

    @property
    def out_of_attempts(self) -> bool:
        return self.attempts_left == 0


def can_read(user: Any, course: Any) -> bool:
    from courses.services import can_read as course_can_read

    return bool(course_can_read(user, course))


def quiz_for(user: Any, course_slug: str, stem: str) -> tuple[Any, Quiz]:
    """The course and the quiz of module ``stem`` if ``user`` may take it (else LookupError)."""
    from courses.loader import get_course

    course = get_course(course_slug)
    if course is None or not can_read(user, course):
        raise LookupError(course_slug)
    quiz = course.quiz(stem)
    if quiz is None:
        raise LookupError(stem)
    return course, quiz


def pass_mark(course: Any, quiz: Quiz) -> float:
    """The quiz's own pass mark, else the course's."""
    if quiz.settings.pass_mark is not None:
        return float(quiz.settings.pass_mark)
    return float(course.completion.pass_mark)


def attempts_for(
    user_id: int, course_slug: str, stem: str, *, practice: bool = False
) -> list[Attempt]:
    """The learner's attempts at one quiz, oldest first."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(
                Attempt.user_id == user_id,
                Attempt.course_slug == course_slug,
                Attempt.quiz_stem == stem,
                Attempt.practice.is_(practice),
            )
            .order_by(Attempt.number)
        )
    )


def open_attempts(user_id: int) -> list[Attempt]:
    """The learner's counted attempts still in progress, oldest first (any course)."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(
                Attempt.user_id == user_id,
                Attempt.status == IN_PROGRESS,
                Attempt.practice.is_(False),
            )
            .order_by(Attempt.started_at, Attempt.id)
        )
    )


def get_attempt(user: Any, attempt_id: int) -> Attempt:
    """The learner's own attempt; anyone else's is reported as not found."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise AttemptNotFound(attempt_id)
    return attempt


def grace(app: Any = None) -> timedelta:
    app = app or current_app
    return timedelta(seconds=int(app.config.get("QUIZ_GRACE_SECONDS", 60)))


def is_expired(attempt: Attempt, now: datetime | None = None) -> bool:
    """True once the deadline plus the grace period has passed."""
    if attempt.deadline is None or attempt.status != IN_PROGRESS:
        return False
    return (now or utcnow()) > attempt.deadline + grace()


def seconds_left(attempt: Attempt, now: datetime | None = None) -> int | None:
    """Seconds until the deadline (not counting the grace), None without a time limit."""
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - (now or utcnow())).total_seconds()))


def attempt_questions(attempt: Attempt, quiz: Quiz) -> list[Question]:
    """The attempt's questions in display order (ones removed from the file since are skipped)."""
    questions = (quiz.question(qid) for qid in attempt.question_ids)
    return [q for q in questions if q is not None]


def grade_attempt(attempt: Attempt, quiz: Quiz) -> QuizResult:
    """Grade the attempt's stored answers (pure; used for the review page as well)."""
    return grade(attempt_questions(attempt, quiz), attempt.answers or {})


def quiz_grade(user_id: int, course_slug: str, stem: str, quiz: Quiz) -> float | None:
    """The quiz grade over counted, submitted attempts, by the quiz's grading method."""
    attempts = attempts_for(user_id, course_slug, stem)
    percents = [a.percent or 0.0 for a in attempts if a.status == SUBMITTED]
    return compute_grade(percents, quiz.settings.grading)


def attempts_allowed(user_id: int, course_slug: str, stem: str, quiz: Quiz) -> int | None:
    """``max_attempts`` plus the extra attempts a trainer granted (None: no limit)."""
    allowed = quiz.settings.max_attempts
    if allowed is None:
        return None
    return allowed + extra_attempts(user_id, course_slug, stem)


def standing(user_id: int, course: Any, stem: str, quiz: Quiz) -> QuizStanding:
    attempts = attempts_for(user_id, course.slug, stem)
    submitted = [a for a in attempts if a.status == SUBMITTED]
    grade_percent = compute_grade([a.percent or 0.0 for a in submitted], quiz.settings.grading)
    passed = grade_percent is not None and grade_percent >= pass_mark(course, quiz)
    allowed = attempts_allowed(user_id, course.slug, stem, quiz)
    exhausted = allowed is not None and len(attempts) >= allowed
    # "All failed": not passed, and either no attempt is left or every submitted attempt failed.
    all_failed = not passed and (
        exhausted or (bool(submitted) and not any(a.passed for a in submitted))
    )
    extra = 0 if allowed is None else allowed - (quiz.settings.max_attempts or 0)
    return QuizStanding(grade_percent, passed, len(attempts), allowed, all_failed, extra)


def key_visible(quiz: Quiz, standing: QuizStanding) -> bool:
    """Whether the review may show the key (the right answers), per ``show_answers``.

    Whatever the setting, a review shows what was right or wrong and the explanations; the
    key waits until the learner has passed (``after_pass``) or has no attempt left
    (``after_last_attempt``), so it cannot be copied into the next attempt.
    """
    show = quiz.settings.show_answers
    if show == "after_submit":
        return True
    if show == "after_pass":
        return standing.passed
    if show == "after_last_attempt":
        return standing.out_of_attempts
    return False


def quiz_standings(user_id: int, course_slug: str, course: Any = None) -> dict[str, QuizStanding]:
    """Per module stem with a quiz: the learner's grade, pass, attempts (THE COURSE API)."""
    if course is None:
        from courses.loader import get_course

        course = get_course(course_slug)
        if course is None:
            return {}
    return {
        module.stem: standing(user_id, course, module.stem, quiz)
        for module, quiz in course.quizzes()
    }


def has_passed(user_id: int, course: Any, stem: str, quiz: Quiz) -> bool:
    return standing(user_id, course, stem, quiz).passed


def missed_question_ids(user_id: int, course_slug: str, stem: str, quiz: Quiz) -> list[str]:
    """Questions whose latest graded answer in a counted attempt was not fully right."""
    latest: dict[str, str] = {}
    for attempt in attempts_for(user_id, course_slug, stem):
        if attempt.status != SUBMITTED:
            continue
        result = grade_attempt(attempt, quiz)
        for r in result.questions:
            latest[r.question_id] = r.status
    return [q.id for q in quiz.questions if q.id in latest and latest[q.id] != "right"]
