"""Two tabs at once, for real: threads with their own app context and database session, released
together by a barrier, against the file SQLite database or PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from quizzes import services
from quizzes.models import Attempt
from tests.quizzes.course_factory import KEY, WRONG
from training.extensions import db
from training.models import User
from training.signals import activity_completed

STEM = "01-quiz"


def race(
    app, user_id: int, work: Callable[[Any], Any] | list[Callable[[Any], Any]], tabs: int = 2
) -> list[Any]:
    """Run ``work(user)`` (or one callable per tab) in threads released at the same instant;
    return each tab's result or exception."""
    works = work if isinstance(work, list) else [work] * tabs
    tabs = len(works)
    barrier = threading.Barrier(tabs)
    results: list[Any] = [None] * tabs

    def tab(index: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                barrier.wait(timeout=10)
                results[index] = works[index](user)
            except Exception as exc:  # noqa: BLE001 - reported to the test
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tab, args=(i,)) for i in range(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def graded():
    """Count gradings (activity_completed is sent once per graded counted attempt)."""
    sent: list[int] = []
    lock = threading.Lock()

    def receiver(sender, user, course_slug, **extra):
        with lock:
            sent.append(user.id)

    with activity_completed.connected_to(receiver):
        yield sent


def attempts_of(user_id: int) -> list[Attempt]:
    db.session.expire_all()
    return list(db.session.scalars(select(Attempt).where(Attempt.user_id == user_id)))


def test_two_tabs_starting_at_once_share_one_attempt(app, make_course, enrolled):
    course = make_course(max_attempts=1)
    user_id = enrolled(course).id
    results = race(app, user_id, lambda u: services.start_or_resume(u, course, STEM).id)
    assert all(isinstance(r, int) for r in results), results
    assert results[0] == results[1]
    assert len(attempts_of(user_id)) == 1


def test_two_tabs_cannot_exceed_max_attempts(app, make_course, enrolled, graded):
    """Each round, two tabs both start (or resume) and submit; the limit holds exactly."""
    course = make_course(max_attempts=3)
    user_id = enrolled(course).id

    def start_and_submit(user):
        attempt = services.start_or_resume(user, course, STEM)
        return services.submit(user, course, attempt.id, KEY).id

    refusals = 0
    for _ in range(5):
        for result in race(app, user_id, start_and_submit):
            if isinstance(result, services.NoAttemptsLeft):
                refusals += 1
            else:
                assert isinstance(result, int), result
    attempts = attempts_of(user_id)
    assert sorted(a.number for a in attempts) == [1, 2, 3]
    assert all(a.status == "submitted" and a.percent == 100.0 for a in attempts)
    assert len(graded) == 3  # one grading per attempt
    assert refusals >= 4  # rounds 4 and 5 at least were refused in both tabs


def test_two_tabs_submitting_the_same_attempt_grade_it_once(app, make_course, enrolled, graded):
    course = make_course()
    user = enrolled(course)
    attempt_id = services.start_or_resume(user, course, STEM).id
    answers = iter([KEY, WRONG])
    lock = threading.Lock()

    def submit(u):
        with lock:
            mine = next(answers)
        graded_attempt = services.submit(u, course, attempt_id, mine)
        return graded_attempt.percent, graded_attempt.submitted_at

    results = race(app, user.id, submit)
    assert not any(isinstance(r, Exception) for r in results), results
    assert results[0] == results[1]  # both tabs see the one result
    assert len(graded) == 1
    (only,) = attempts_of(user.id)
    assert only.percent in (0.0, 100.0) and only.status == "submitted"
    count = db.session.scalar(select(func.count()).select_from(Attempt))
    assert count == 1


def test_save_racing_submit_never_reopens_the_attempt(app, make_course, enrolled, graded):
    course = make_course()
    user = enrolled(course)
    attempt_id = services.start_or_resume(user, course, STEM).id
    results = race(
        app,
        user.id,
        [
            lambda u: services.submit(u, course, attempt_id, KEY),
            lambda u: services.save_answers(u, course, attempt_id, {"capital": 1}),
        ],
    )
    assert not any(isinstance(r, Exception) for r in results), results
    (only,) = attempts_of(user.id)
    assert only.status == "submitted" and len(graded) == 1
