"""Attempt services on the real database: settings, time limit, idempotent submit, practice."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from quizzes import services
from quizzes.models import Attempt
from tests.quizzes.course_factory import KEY, QUESTIONS, WRONG
from training.extensions import db
from training.signals import activity_completed

STEM = "01-quiz"
ALL_IDS = [q["id"] for q in QUESTIONS]


@pytest.fixture
def completions():
    """Every activity_completed signal sent during the test: (user id, course slug)."""
    sent: list[tuple[int, str]] = []

    def receiver(sender, user, course_slug, **extra):
        sent.append((user.id, course_slug))

    with activity_completed.connected_to(receiver):
        yield sent


def take(user, course, answers, **kwargs):
    attempt = services.start_or_resume(user, course, STEM, **kwargs)
    return services.submit(user, course, attempt.id, answers)


def test_start_stores_the_questions_and_resumes_the_same_attempt(make_course, enrolled):
    course = make_course()
    user = enrolled(course)
    attempt = services.start_or_resume(user, course, STEM)
    assert attempt.number == 1 and attempt.status == "in_progress" and not attempt.practice
    assert attempt.question_ids == ALL_IDS  # no shuffle: file order
    assert attempt.content_version == course.version
    assert attempt.deadline is None
    again = services.start_or_resume(user, course, STEM)
    assert again.id == attempt.id
    assert db.session.query(Attempt).count() == 1


def test_someone_not_enrolled_cannot_start(make_course, make_user):
    course = make_course()
    with pytest.raises(LookupError):
        services.start_or_resume(make_user(), course, STEM)
    trainer = make_user("trainer")
    assert services.start_or_resume(trainer, course, STEM).number == 1


def test_key_scores_full_marks_and_wrong_answers_nothing(make_course, enrolled, completions):
    course = make_course()
    user = enrolled(course)
    attempt = take(user, course, KEY)
    assert attempt.status == "submitted" and attempt.submitted_at is not None
    assert attempt.percent == 100.0 and attempt.passed is True and attempt.late is False
    assert attempt.score_points == attempt.max_points == len(QUESTIONS)
    second = take(user, course, WRONG)
    assert second.number == 2 and second.percent == 0.0 and second.passed is False
    assert completions == [(user.id, course.slug), (user.id, course.slug)]


def test_save_merges_partial_saves_and_is_refused_after_submission(make_course, enrolled):
    course = make_course()
    user = enrolled(course)
    attempt = services.start_or_resume(user, course, STEM)
    assert services.save_answers(user, course, attempt.id, {"capital": 0}).saved
    outcome = services.save_answers(user, course, attempt.id, {"pi": "3.14", "unknown": 1})
    assert outcome.saved and outcome.attempt.saved_at is not None
    assert outcome.attempt.answers == {"capital": 0, "pi": "3.14"}
    services.submit(user, course, attempt.id)
    assert attempt.percent == pytest.approx(200 / 7, abs=0.01)
    refused = services.save_answers(user, course, attempt.id, {"capital": 1})
    assert not refused.saved and refused.attempt.answers["capital"] == 0


def test_someone_elses_attempt_is_not_found(make_course, enrolled):
    course = make_course()
    owner, other = enrolled(course), enrolled(course)
    attempt = services.start_or_resume(owner, course, STEM)
    with pytest.raises(services.AttemptNotFound):
        services.save_answers(other, course, attempt.id, {"capital": 0})
    with pytest.raises(services.AttemptNotFound):
        services.submit(other, course, attempt.id, KEY)
    with pytest.raises(services.AttemptNotFound):
        services.get_attempt(other, attempt.id)


def test_double_submit_grades_once(make_course, enrolled, completions):
    course = make_course()
    user = enrolled(course)
    attempt = services.start_or_resume(user, course, STEM)
    first = services.submit(user, course, attempt.id, KEY)
    submitted_at = first.submitted_at
    second = services.submit(user, course, attempt.id, WRONG)
    assert second.id == first.id and second.percent == 100.0
    assert second.submitted_at == submitted_at
    assert len(completions) == 1


def test_max_attempts_refuses_a_new_attempt(make_course, enrolled):
    course = make_course(max_attempts=2)
    user = enrolled(course)
    take(user, course, WRONG)
    take(user, course, WRONG)
    with pytest.raises(services.NoAttemptsLeft) as refused:
        services.start_or_resume(user, course, STEM)
    assert "2 attempts" in str(refused.value.message)
    standing = services.quiz_standings(user.id, course.slug, course)[STEM]
    assert standing == services.QuizStanding(0.0, False, 2, 2, True)


def test_unlimited_attempts(make_course, enrolled):
    course = make_course()  # no max_attempts
    user = enrolled(course)
    for _ in range(4):
        take(user, course, WRONG)
    assert services.start_or_resume(user, course, STEM).number == 5


@pytest.mark.parametrize(
    ("method", "expected"), [("highest", 100.0), ("last", 0.0), ("first", 100.0), ("average", 50.0)]
)
def test_grading_methods(make_course, enrolled, method, expected):
    course = make_course(grading=method)
    user = enrolled(course)
    take(user, course, KEY)
    take(user, course, WRONG)
    standing = services.quiz_standings(user.id, course.slug, course)[STEM]
    assert standing.grade_percent == expected
    assert standing.passed is (expected >= 70)
    assert standing.attempts_used == 2 and standing.attempts_allowed is None


def test_quiz_pass_mark_overrides_the_course_pass_mark(make_course, enrolled):
    half = {qid: KEY[qid] for qid in ("capital", "primes", "earth-round", "osbd")}  # 4 of 7
    strict = make_course(pass_mark=70)
    user = enrolled(strict)
    assert take(user, strict, half).passed is False  # 57 % < 70 (course)
    lenient = make_course(pass_mark=70, quiz_pass_mark=50)
    other = enrolled(lenient)
    attempt = take(other, lenient, half)
    assert attempt.percent == pytest.approx(57.14, abs=0.01) and attempt.passed is True
    assert services.quiz_standings(other.id, lenient.slug, lenient)[STEM].passed is True


def test_draw_picks_n_questions(make_course, enrolled):
    course = make_course(draw=3)
    user = enrolled(course)
    drawn = set()
    for seed in range(6):
        attempt = services.start_or_resume(user, course, STEM, rng=random.Random(seed))
        services.submit(user, course, attempt.id, WRONG)
        assert len(attempt.question_ids) == 3 and set(attempt.question_ids) <= set(ALL_IDS)
        # without shuffle, the drawn questions keep the file's order
        assert attempt.question_ids == sorted(attempt.question_ids, key=ALL_IDS.index)
        drawn.add(tuple(attempt.question_ids))
    assert len(drawn) > 1
    last = take(user, course, KEY)  # only the drawn questions count
    assert last.percent == 100.0 and last.max_points == 3


def test_shuffle_orders_questions_and_choices_per_attempt(make_course, enrolled):
    course = make_course(shuffle=True)
    user = enrolled(course)
    orders = set()
    for seed in range(5):
        attempt = services.start_or_resume(user, course, STEM, rng=random.Random(seed))
        services.submit(user, course, attempt.id, {})
        assert sorted(attempt.question_ids) == sorted(ALL_IDS)
        orders.add(tuple(attempt.question_ids))
        for entry in attempt.questions:
            size = {"capital": 3, "primes": 4, "watch": 3, "desc": 4}.get(entry["id"], 0)
            assert sorted(entry["order"]) == list(range(size))
    assert len(orders) > 1


def test_matching_and_ordering_are_never_shown_in_the_keys_order(make_course, enrolled):
    course = make_course()  # shuffle off
    user = enrolled(course)
    for seed in range(10):
        attempt = services.start_or_resume(user, course, STEM, rng=random.Random(seed))
        services.submit(user, course, attempt.id, {})
        orders = {e["id"]: e["order"] for e in attempt.questions}
        assert orders["capital"] == [0, 1, 2]  # choices stay in the author's order
        assert orders["watch"] != [0, 1, 2] and sorted(orders["watch"]) == [0, 1, 2]
        assert orders["desc"] != [0, 1, 2, 3] and sorted(orders["desc"]) == [0, 1, 2, 3]


def _age(attempt: Attempt, seconds_past_deadline: int) -> None:
    """Pretend the attempt started long ago: its deadline passed ``seconds_past_deadline`` ago."""
    limit = attempt.deadline - attempt.started_at
    attempt.deadline = attempt.deadline - limit - timedelta(seconds=seconds_past_deadline)
    attempt.started_at = attempt.deadline - limit
    db.session.commit()


def test_time_limit_sets_a_deadline(make_course, enrolled):
    course = make_course(time_limit_minutes=10)
    attempt = services.start_or_resume(enrolled(course), course, STEM)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=10)
    assert services.seconds_left(attempt) > 590


def test_submission_within_the_grace_period_counts(make_course, enrolled):
    course = make_course(time_limit_minutes=10)
    user = enrolled(course)
    attempt = services.start_or_resume(user, course, STEM)
    _age(attempt, 30)  # 30 s late, grace 60 s
    assert services.seconds_left(attempt) == 0 and not services.is_expired(attempt)
    assert services.save_answers(user, course, attempt.id, {"capital": 0}).saved
    graded = services.submit(user, course, attempt.id, KEY)
    assert graded.late is False and graded.percent == 100.0


def test_late_submission_is_graded_on_what_was_saved(make_course, enrolled, completions):
    course = make_course(time_limit_minutes=10)
    user = enrolled(course)
    attempt = services.start_or_resume(user, course, STEM)
    services.save_answers(user, course, attempt.id, {"capital": 0, "earth-round": True})
    _age(attempt, 61)
    graded = services.submit(user, course, attempt.id, KEY)  # posted answers ignored
    assert graded.status == "submitted" and graded.late is True
    assert graded.answers == {"capital": 0, "earth-round": True}
    assert graded.percent == pytest.approx(200 / 7, abs=0.01)
    assert len(completions) == 1


def test_saving_after_the_grace_is_refused_and_grades_the_attempt(make_course, enrolled):
    course = make_course(time_limit_minutes=5)
    user = enrolled(course)
    attempt = services.start_or_resume(user, course, STEM)
    services.save_answers(user, course, attempt.id, {"capital": 0})
    _age(attempt, 120)
    outcome = services.save_answers(user, course, attempt.id, {"capital": 1, "pi": "3.14"})
    assert outcome.saved is False
    assert outcome.attempt.status == "submitted" and outcome.attempt.late is True
    assert outcome.attempt.answers == {"capital": 0}


@pytest.mark.parametrize("grace", [0])
def test_grace_comes_from_the_config(app, make_course, enrolled, grace):
    app.config["QUIZ_GRACE_SECONDS"] = grace
    course = make_course(time_limit_minutes=5)
    user = enrolled(course)
    attempt = services.start_or_resume(user, course, STEM)
    _age(attempt, 5)
    assert services.is_expired(attempt)
    assert services.submit(user, course, attempt.id, KEY).late is True


def test_an_expired_attempt_is_closed_when_the_learner_comes_back(make_course, enrolled):
    course = make_course(time_limit_minutes=5, max_attempts=3)
    user = enrolled(course)
    attempt = services.start_or_resume(user, course, STEM)
    _age(attempt, 3600)
    fresh = services.start_or_resume(user, course, STEM)
    assert fresh.number == 2
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.late is True and attempt.percent == 0.0


def test_practice_holds_only_missed_questions_and_does_not_count(
    make_course, enrolled, completions
):
    course = make_course(max_attempts=1)
    user = enrolled(course)
    with pytest.raises(services.NothingToPractise):
        services.start_practice(user, course, STEM)
    answers = dict(KEY, capital=1, watch={"0": 0, "1": 2, "2": 1})  # one wrong, one partial
    take(user, course, answers)
    before = services.quiz_standings(user.id, course.slug, course)[STEM]
    practice = services.start_practice(user, course, STEM)
    assert practice.practice and practice.number == 1
    assert practice.question_ids == ["capital", "watch"]
    assert services.start_practice(user, course, STEM).id == practice.id  # resumed
    services.submit(user, course, practice.id, KEY)
    assert practice.percent == 100.0
    # no attempt limit for practice, and the grade did not move
    second = services.start_practice(user, course, STEM)
    assert second.number == 2
    assert services.quiz_standings(user.id, course.slug, course)[STEM] == before
    assert len(completions) == 1  # the counted attempt only


def test_quiz_standings_for_every_quiz_of_the_course(make_course, enrolled):
    course = make_course(max_attempts=3)
    user = enrolled(course)
    assert services.quiz_standings(user.id, course.slug, course) == {
        STEM: services.QuizStanding(None, False, 0, 3, False)
    }
    take(user, course, WRONG)
    assert services.quiz_standings(user.id, course.slug)[STEM] == services.QuizStanding(
        0.0, False, 1, 3, True
    )
    take(user, course, KEY)
    assert services.quiz_standings(user.id, course.slug)[STEM] == services.QuizStanding(
        100.0, True, 2, 3, False
    )
    assert services.quiz_standings(user.id, "no-such-course") == {}


def test_a_failing_completion_listener_does_not_lose_the_result(make_course, enrolled):
    course = make_course()
    user = enrolled(course)

    def broken(sender, **extra):
        raise RuntimeError("listener bug")

    with activity_completed.connected_to(broken):
        graded = take(user, course, KEY)
    assert graded.status == "submitted" and graded.percent == 100.0
    db.session.expire_all()
    assert db.session.get(Attempt, graded.id).status == "submitted"
