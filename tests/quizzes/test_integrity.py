"""Quiz integrity (issue 12): shuffled by default, each retake draws the questions asked least,
the key waits for the last attempt, and the checker warns when a key can be copied."""

from __future__ import annotations

import random

import pytest

from quizzes import services
from quizzes.formats import parse_quiz
from quizzes.lints import lint_quiz
from tests.quizzes.course_factory import QUESTIONS
from training.content_source import load_yaml_text

STEM = "01-quiz"
ALL_IDS = [q["id"] for q in QUESTIONS]


def quiz_of(text: str):
    quiz, problems = parse_quiz(load_yaml_text(text, "q.quiz.yaml"), "q.quiz.yaml")
    assert problems == [] and quiz is not None
    return quiz


TRUE_FALSE = "questions:\n" + "".join(
    f"  - {{id: q{i}, type: true_false, prompt: Claim {i}., answer: true}}\n" for i in range(8)
)


def test_questions_and_choices_are_shuffled_unless_the_quiz_says_otherwise():
    assert quiz_of(TRUE_FALSE).settings.shuffle is True
    assert quiz_of("shuffle: false\n" + TRUE_FALSE).settings.shuffle is False


def test_each_new_attempt_draws_the_questions_asked_least(make_course, enrolled):
    """7 questions, 3 per attempt: the second attempt asks 3 others, the third the one left
    and 2 asked once; never the same set twice in a row."""
    course = make_course(draw=3, max_attempts=3)
    user = enrolled(course)
    seen: list[set[str]] = []
    for seed in range(3):
        attempt = services.start_or_resume(user, course, STEM, rng=random.Random(seed))
        services.submit(user, course, attempt.id, {})
        seen.append(set(attempt.question_ids))
    assert all(len(s) == 3 for s in seen)
    assert not seen[0] & seen[1]
    left = set(ALL_IDS) - seen[0] - seen[1]
    assert left <= seen[2] and len(seen[2] & (seen[0] | seen[1])) == 2


def test_a_first_draw_is_still_random(make_course):
    quiz = make_course(draw=3).quiz(STEM)
    draws = {
        frozenset(entry["id"] for entry in services.draw_questions(quiz, random.Random(seed)))
        for seed in range(8)
    }
    assert len(draws) > 1


@pytest.mark.parametrize(
    ("settings", "warned"),
    [
        ("show_answers: after_submit\nmax_attempts: 3\n", "3 attempts at the same questions"),
        ("max_attempts: 3\n", "3 attempts at the same questions"),  # after_submit by default
        ("show_answers: after_submit\n", "unlimited attempts at the same questions"),
        (
            "show_answers: after_submit\nmax_attempts: 3\ndraw: 5\n",
            "3 attempts at mostly the same questions (5 drawn from 8)",
        ),
        ("show_answers: after_submit\nmax_attempts: 3\ndraw: 4\n", None),  # half the pool
        ("show_answers: after_submit\nmax_attempts: 1\n", None),  # no retake
        ("show_answers: after_last_attempt\nmax_attempts: 3\n", None),
        ("show_answers: after_pass\nmax_attempts: 3\n", None),
        ("show_answers: never\n", None),
    ],
)
def test_the_checker_warns_when_the_key_can_be_copied_and_retaken(settings, warned):
    problems = lint_quiz(quiz_of(settings + TRUE_FALSE))
    if warned is None:
        assert problems == []
        return
    (problem,) = problems
    assert problem.path == "q.quiz.yaml" and warned in problem.message
    assert problem.message.startswith("warning: learners see the key after each attempt")
    assert problem.line == 1  # show_answers is on line 1, or absent (the default)


def test_the_warning_points_at_the_show_answers_line():
    (problem,) = lint_quiz(
        quiz_of("title: T\nmax_attempts: 2\nshow_answers: after_submit\n" + TRUE_FALSE)
    )
    assert problem.line == 3


def test_a_review_never_shows_the_key_while_attempts_remain():
    quiz = quiz_of("show_answers: after_last_attempt\nmax_attempts: 2\n" + TRUE_FALSE)
    standing = services.QuizStanding(50.0, False, 1, 2, False)
    assert not services.key_visible(quiz, standing)
    assert services.key_visible(quiz, services.QuizStanding(50.0, False, 2, 2, True))
    # a trainer's extra attempt closes the key again until that attempt is used
    assert not services.key_visible(quiz, services.QuizStanding(50.0, False, 2, 3, False, 1))
    after_pass = quiz_of("show_answers: after_pass\n" + TRUE_FALSE)
    assert not services.key_visible(after_pass, standing)
    assert services.key_visible(after_pass, services.QuizStanding(90.0, True, 1, None, False))
    never = quiz_of("show_answers: never\n" + TRUE_FALSE)
    assert not services.key_visible(never, services.QuizStanding(90.0, True, 2, 2, False))
