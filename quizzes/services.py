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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from courses.overrides import extra_attempts
from quizzes.grading import QuizResult, compute_grade, grade
from quizzes.model import Question, Quiz
from quizzes.models import IN_PROGRESS, SUBMITTED, Attempt
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


@dataclass(frozen=True)
class SaveOutcome:
    attempt: Attempt
    saved: bool  # False: the attempt was already submitted or its time was up


# --- reading -------------------------------------------------------------------------------


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


# --- starting ------------------------------------------------------------------------------


def draw_questions(
    quiz: Quiz,
    rng: random.Random,
    only: Sequence[str] | None = None,
    seen: Mapping[str, int] | None = None,
) -> list[dict[str, Any]]:
    """Pick and order the questions of a new attempt, with each question's display order.

    ``draw`` picks N of the pool, the questions the learner was asked least often first
    (``seen``: question id → times asked in earlier counted attempts; random among equals), so
    a retake asks other questions whenever the pool allows. ``shuffle`` (the default) shuffles
    the questions and their choices. Matching options and ordering items are ALWAYS shown
    shuffled (never in the key's order), since their order in the file is the answer.
    """
    pool = [q for q in quiz.questions if only is None or q.id in only]
    draw = quiz.settings.draw
    if only is None and draw is not None and draw < len(pool):
        counts = seen or {}
        ranked = sorted(range(len(pool)), key=lambda i: (counts.get(pool[i].id, 0), rng.random()))
        picked = set(ranked[:draw])
        pool = [q for i, q in enumerate(pool) if i in picked]
    if quiz.settings.shuffle:
        rng.shuffle(pool)
    return [{"id": q.id, "order": _display_order(q, quiz.settings.shuffle, rng)} for q in pool]


def _display_order(question: Question, shuffle: bool, rng: random.Random) -> list[int]:
    if question.type in ("single", "multiple"):
        order = list(range(len(question.choices)))
        if shuffle:
            rng.shuffle(order)
        return order
    if question.type in ("matching", "ordering"):
        size = len(question.pairs) if question.type == "matching" else len(question.items)
        order = list(range(size))
        if size > 1:
            while order == sorted(order):
                rng.shuffle(order)
        return order
    return []


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
