"""Completion rules: each kind of requirement missing keeps the course incomplete; all done
completes it; a quiz's own pass mark wins over the course's; the certificate follows."""

from __future__ import annotations

import pytest

from certificates import completion, services
from tests.certificates.conftest import enrol, play, read_modules, take_quiz


@pytest.fixture
def learner(make_user, course):  # noqa: ANN001, ANN201
    user = make_user("learner", full_name="Amina Diallo")
    enrol(user, course)
    return user


def kinds_missing(status: completion.CompletionStatus) -> list[tuple[str, str]]:
    return [(r.kind, r.key) for r in status.missing]


def test_nothing_done_lists_every_requirement(learner, course):
    status = completion.evaluate(learner, course)
    assert not status.complete
    assert kinds_missing(status) == [
        ("module", "01-intro"),
        ("module", "02-next"),
        ("quiz", "01-intro"),
        ("quiz", "02-next"),
        ("roleplay", "noise"),
    ]
    labels = [r.label for r in status.requirements]
    assert labels == [
        "Introduction to mediation",
        "Next steps",
        "Quiz: Introduction to mediation",
        "Quiz: Next steps",
        "Role-play: Noise at 23:00",
    ]
    assert status.overall_score is None


def test_all_done_is_complete_with_mean_score(learner, course):
    read_modules(learner, course)
    take_quiz(learner, course, "01-intro", right=1)  # 50 %, the quiz's own pass mark is 50
    take_quiz(learner, course, "02-next", right=2)  # 100 %
    play(learner, course)  # 100 %
    status = completion.evaluate(learner, course)
    assert status.complete, status.missing
    assert status.missing == []
    # Mean of the two quiz grades and the role-play best: (50 + 100 + 100) / 3.
    assert status.overall_score == pytest.approx(83.3)


def test_a_module_not_done_is_missing(learner, course):
    read_modules(learner, course, ["01-intro"])
    take_quiz(learner, course, "01-intro", right=2)
    take_quiz(learner, course, "02-next", right=2)
    play(learner, course)
    status = completion.evaluate(learner, course)
    assert not status.complete
    assert kinds_missing(status) == [("module", "02-next")]
    assert status.missing[0].detail == "Not marked as done yet"
    assert services.find_current(learner.id, course.slug) is None


def test_quiz_below_the_course_pass_mark_is_missing(learner, course):
    read_modules(learner, course)
    take_quiz(learner, course, "01-intro", right=2)
    take_quiz(learner, course, "02-next", right=1)  # 50 % < the course's 80 %
    play(learner, course)
    status = completion.evaluate(learner, course)
    assert kinds_missing(status) == [("quiz", "02-next")]
    assert status.missing[0].detail == "Grade 50% — 80% needed"


def test_quiz_pass_mark_override(learner, course):
    # 01-intro sets pass_mark 50: half right passes it although the course asks 80.
    take_quiz(learner, course, "01-intro", right=1)
    quiz = next(r for r in completion.evaluate(learner, course).requirements if r.kind == "quiz")
    assert quiz.key == "01-intro" and quiz.done
    assert quiz.detail == "Passed with 50%"


def test_quiz_not_taken_says_so(learner, course):
    quiz = next(r for r in completion.evaluate(learner, course).missing if r.kind == "quiz")
    assert quiz.detail == "Not taken yet — 50% needed"


def test_roleplay_below_minimum_is_missing(learner, course):
    read_modules(learner, course)
    take_quiz(learner, course, "01-intro", right=2)
    take_quiz(learner, course, "02-next", right=2)
    play(learner, course, choice=1)  # 0 %, escalated
    status = completion.evaluate(learner, course)
    assert kinds_missing(status) == [("roleplay", "noise")]
    assert status.missing[0].detail == "Best 0%, but the situation was not resolved"
    play(learner, course, choice=0)  # the best run counts
    assert completion.evaluate(learner, course).complete


def test_completing_the_last_activity_issues_the_certificate(learner, course):
    """The quiz and role-play services send activity_completed; the receiver issues."""
    read_modules(learner, course)
    take_quiz(learner, course, "01-intro", right=2)
    take_quiz(learner, course, "02-next", right=2)
    assert services.find_current(learner.id, course.slug) is None
    play(learner, course)
    certificate = services.find_current(learner.id, course.slug)
    assert certificate is not None
    assert certificate.holder_name == "Amina Diallo"
    assert certificate.score_percent == 100.0
    assert certificate.modules == ["Introduction to mediation", "Next steps"]
    assert certificate.competencies == ["Active listening", "Legal framework"]
    # Another activity afterwards changes nothing.
    play(learner, course)
    assert services.certificates_of(learner.id) == [certificate]


def test_revoked_certificate_is_not_reissued_automatically(learner, course):
    read_modules(learner, course)
    take_quiz(learner, course, "01-intro", right=2)
    take_quiz(learner, course, "02-next", right=2)
    play(learner, course)
    certificate = services.find_current(learner.id, course.slug)
    services.revoke(certificate, None, "Exam fraud")
    play(learner, course)
    assert services.find_current(learner.id, course.slug) is None
    assert services.issue_if_eligible(learner, course) is None
