"""Quiz attempts: start or resume, save as you go, submit once, grade, standings, practice.

Concurrency rules (two tabs, a double click, a dropped connection):

- a UNIQUE (user, course, quiz, practice, number) constraint and a partial unique index on the
  in-progress attempt mean two simultaneous starts cannot create two attempts: the loser's insert
  fails, it rolls back and resumes the winner's attempt (or is refused when no attempt is left);
- a submission is a conditional ``UPDATE … WHERE status = 'in_progress'``: only the first request
  grades; the second just reads the result;
- the time limit is enforced here, not in the browser: after ``deadline + QUIZ_GRACE_SECONDS``
  nothing more is saved and the attempt is graded, marked late, on what was saved.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from quizzes.draw import draw_questions
from quizzes.grading import grade
from quizzes.model import Quiz
from quizzes.models import IN_PROGRESS, SUBMITTED, Attempt
from quizzes.standing import (  # noqa: F401 - re-exported: the quiz API callers import
    AttemptNotFound,
    QuizStanding,
    attempt_questions,
    attempts_allowed,
    attempts_for,
    can_read,
    get_attempt,
    grace,
    grade_attempt,
    has_passed,
    is_expired,
    key_visible,
    missed_question_ids,
    open_attempts,
    pass_mark,
    quiz_for,
    quiz_grade,
    quiz_standings,
    seconds_left,
    standing,
)
from training.extensions import db
from training.signals import activity_completed
from training.timeutil import utcnow

_START_RETRIES = 5


class QuizError(Exception):
    """A refusal the learner should read (the message is translatable)."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class NoAttemptsLeft(QuizError):
    pass


class NothingToPractise(QuizError):
    pass


@dataclass(frozen=True)
class SaveOutcome:
    attempt: Attempt
    saved: bool  # False: the attempt was already submitted or its time was up


# --- starting ------------------------------------------------------------------------------


def _finalise_expired(user: Any, course: Any, attempt: Attempt) -> None:
    """Grade an attempt whose time is up on what was saved (marked late)."""
    quiz = course.quiz(attempt.quiz_stem)
    if quiz is not None:
        _grade_once(user, course, quiz, attempt, None, late=True)


def start_or_resume(
    user: Any, course: Any, stem: str, *, rng: random.Random | None = None
) -> Attempt:
    """The learner's attempt in progress, or a new one if any attempt is left.

    Raises LookupError when the module has no quiz and NoAttemptsLeft when ``max_attempts`` is
    used up.
    """
    quiz = course.quiz(stem)
    if quiz is None or not can_read(user, course):
        raise LookupError(stem)
    rng = rng or random.SystemRandom()
    for _ in range(_START_RETRIES):
        attempts = attempts_for(user.id, course.slug, stem)
        current = next((a for a in attempts if a.status == IN_PROGRESS), None)
        if current is not None:
            if not is_expired(current):
                return current
            _finalise_expired(user, course, current)
            continue
        allowed = attempts_allowed(user.id, course.slug, stem, quiz)
        if allowed is not None and len(attempts) >= allowed:
            raise NoAttemptsLeft(
                _l("You have used all %(n)d attempts allowed for this quiz.", n=allowed)
            )
        seen: dict[str, int] = {}
        for earlier in attempts:
            for question_id in earlier.question_ids:
                seen[question_id] = seen.get(question_id, 0) + 1
        now = utcnow()
        limit = quiz.settings.time_limit_minutes
        attempt = Attempt(
            user_id=user.id,
            course_slug=course.slug,
            quiz_stem=stem,
            number=max((a.number for a in attempts), default=0) + 1,
            practice=False,
            status=IN_PROGRESS,
            started_at=now,
            deadline=now + timedelta(minutes=limit) if limit else None,
            questions=draw_questions(quiz, rng, seen=seen),
            answers={},
            content_version=str(course.version),
        )
        if _insert(attempt):
            return attempt
    raise RuntimeError("could not start the attempt: too much contention")


def start_practice(
    user: Any, course: Any, stem: str, *, rng: random.Random | None = None
) -> Attempt:
    """A practice attempt on the questions missed in counted attempts (no limit, not graded in)."""
    quiz = course.quiz(stem)
    if quiz is None or not can_read(user, course):
        raise LookupError(stem)
    rng = rng or random.SystemRandom()
    for _ in range(_START_RETRIES):
        attempts = attempts_for(user.id, course.slug, stem, practice=True)
        current = next((a for a in attempts if a.status == IN_PROGRESS), None)
        if current is not None:
            return current
        missed = missed_question_ids(user.id, course.slug, stem, quiz)
        if not missed:
            raise NothingToPractise(_l("There is no missed question to practise."))
        attempt = Attempt(
            user_id=user.id,
            course_slug=course.slug,
            quiz_stem=stem,
            number=max((a.number for a in attempts), default=0) + 1,
            practice=True,
            status=IN_PROGRESS,
            started_at=utcnow(),
            deadline=None,
            questions=draw_questions(quiz, rng, only=missed),
            answers={},
            content_version=str(course.version),
        )
        if _insert(attempt):
            return attempt
    raise RuntimeError("could not start the practice attempt: too much contention")


def _insert(attempt: Attempt) -> bool:
    """Insert; False if another request created the same attempt first (then retry)."""
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


# --- saving and submitting -----------------------------------------------------------------


def _locked_attempt(user: Any, course: Any, attempt_id: int) -> Attempt:
    """The learner's attempt, row-locked on PostgreSQL until the transaction ends."""
    attempt = db.session.scalars(
        select(Attempt)
        .where(Attempt.id == attempt_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if attempt is None or attempt.user_id != user.id or attempt.course_slug != course.slug:
        db.session.rollback()
        raise AttemptNotFound(attempt_id)
    return attempt


def _merge(attempt: Attempt, answers: Mapping[str, Any]) -> dict[str, Any]:
    allowed = set(attempt.question_ids)
    merged = dict(attempt.answers or {})
    merged.update({qid: value for qid, value in answers.items() if qid in allowed})
    return merged


def save_answers(
    user: Any, course: Any, attempt_id: int, answers: Mapping[str, Any]
) -> SaveOutcome:
    """Merge a partial save into the attempt.

    Refused (``saved=False``) once the attempt is submitted, or after its deadline plus the grace
    period; in that last case the attempt is graded on what was saved before.
    """
    attempt = _locked_attempt(user, course, attempt_id)
    if attempt.status != IN_PROGRESS:
        db.session.rollback()
        return SaveOutcome(attempt, saved=False)
    if is_expired(attempt):
        _finalise_expired(user, course, attempt)
        return SaveOutcome(attempt, saved=False)
    now = utcnow()
    result = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == IN_PROGRESS)
        .values(answers=_merge(attempt, answers), saved_at=now)
    )
    db.session.commit()
    db.session.refresh(attempt)
    return SaveOutcome(attempt, saved=result.rowcount == 1)


def submit(
    user: Any, course: Any, attempt_id: int, answers: Mapping[str, Any] | None = None
) -> Attempt:
    """Submit and grade once. A second submission (double click, second tab) changes nothing
    and returns the graded attempt. After the deadline plus grace, ``answers`` are ignored and
    the attempt is graded, marked late, on what was saved."""
    attempt = _locked_attempt(user, course, attempt_id)
    if attempt.status != IN_PROGRESS:
        db.session.rollback()
        return attempt
    quiz = course.quiz(attempt.quiz_stem)
    if quiz is None:
        db.session.rollback()
        raise LookupError(attempt.quiz_stem)
    late = is_expired(attempt)
    _grade_once(user, course, quiz, attempt, None if late else answers, late=late)
    return attempt


def _grade_once(
    user: Any,
    course: Any,
    quiz: Quiz,
    attempt: Attempt,
    answers: Mapping[str, Any] | None,
    *,
    late: bool,
) -> bool:
    """Grade and close the attempt unless another request already did (True if this one did)."""
    final = _merge(attempt, answers) if answers else dict(attempt.answers or {})
    result = grade(attempt_questions(attempt, quiz), final)
    now = utcnow()
    values: dict[str, Any] = {
        "status": SUBMITTED,
        "answers": final,
        "submitted_at": now,
        "late": late,
        "score_points": result.points,
        "max_points": result.max_points,
        "percent": result.percent,
        "passed": result.percent >= pass_mark(course, quiz),
    }
    if answers:
        values["saved_at"] = now
    outcome = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == IN_PROGRESS)
        .values(**values)
    )
    won = outcome.rowcount == 1
    db.session.commit()
    db.session.refresh(attempt)
    if won and not attempt.practice:
        try:
            activity_completed.send(
                current_app._get_current_object(), user=user, course_slug=attempt.course_slug
            )
        except Exception:  # a listener's failure must not lose the learner their result
            db.session.rollback()
            current_app.logger.exception("activity_completed listener failed after a quiz")
    return won
