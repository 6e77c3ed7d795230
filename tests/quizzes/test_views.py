"""Quiz pages over HTTP: intro, attempt form (no answers leak), save, resume, submit, review."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from quizzes import services
from quizzes.models import Attempt
from tests.conftest import AuthActions
from tests.quizzes.course_factory import KEY, WRONG
from training.extensions import db

STEM = "01-quiz"


def quiz_url(course, suffix: str = "") -> str:
    return f"/courses/{course.slug}/{STEM}/quiz{suffix}"


def form_for(attempt: Attempt, course, answers: dict, action: str = "save") -> dict:
    """What a browser posts for ``answers`` (original indices) given the attempt's display order."""
    quiz = course.quiz(STEM)
    data: dict[str, object] = {"action": action}
    for position, entry in enumerate(attempt.questions, start=1):
        q = quiz.question(entry["id"])
        order = entry["order"]
        name = f"q{position}"
        answer = answers.get(q.id)
        if answer is None:
            continue
        if q.type == "single":
            data[name] = str(order.index(answer))
        elif q.type == "multiple":
            data[name] = [str(order.index(i)) for i in answer]
        elif q.type == "true_false":
            data[name] = "true" if answer else "false"
        elif q.type in ("short_answer", "numeric"):
            data[name] = answer
        elif q.type == "matching":
            for left, right in answer.items():
                data[f"{name}-{left}"] = str(order.index(right))
        elif q.type == "ordering":
            for k, item in enumerate(order):
                data[f"{name}-{k}"] = str(answer.index(item) + 1)
    return data


@pytest.fixture
def learner(client, make_course, enrolled):
    """A learner logged in on ``client``, enrolled in a fresh course; returns (user, course)."""

    def factory(**settings):
        course = make_course(**settings)
        user = enrolled(course)
        assert AuthActions(client).login(user.email).status_code == 302
        return user, course

    return factory


def start(client, course) -> Attempt:
    response = client.post(quiz_url(course))
    assert response.status_code == 302
    attempt_id = int(re.search(r"/attempts/(\d+)$", response.location).group(1))
    return db.session.get(Attempt, attempt_id)


def test_intro_page_shows_the_settings_and_starts_nothing_on_get(client, learner):
    user, course = learner(max_attempts=3, time_limit_minutes=15, quiz_pass_mark=80)
    page = client.get(quiz_url(course))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Test quiz" in html and "80%" in html and "0 of 3 used" in html
    assert "15 minutes" in html and "Start the quiz" in html
    assert db.session.query(Attempt).count() == 0


def test_attempt_page_has_a_labelled_field_for_every_type_and_no_answers(client, learner):
    user, course = learner(shuffle=True)
    attempt = start(client, course)
    html = client.get(quiz_url(course, f"/attempts/{attempt.id}")).get_data(as_text=True)
    assert html.count("<fieldset") == 7 and html.count("<legend>") == 7
    assert 'type="radio"' in html and 'type="checkbox"' in html
    assert 'inputmode="decimal"' in html
    # one <select> per matching left item and per ordering item
    assert html.count('<select name="q') == 3 + 4
    field_ids = re.findall(r'<(?:input|select) [^>]*id="(q[^"]+)"', html)
    assert len(field_ids) == 3 + 4 + 2 + 1 + 1 + 3 + 4
    for field_id in field_ids:
        assert f'for="{field_id}"' in html, field_id
    lowered = html.lower()
    assert "correct" not in lowered
    assert "feedback" not in lowered and "explanation" not in lowered
    assert "observation, sentiment" not in lowered  # the short answer
    assert 'role="status"' in html and "quiz-autosave.js" in html


def test_save_without_javascript_keeps_the_answers_and_the_page_shows_them(client, learner):
    user, course = learner(shuffle=True)
    attempt = start(client, course)
    partial = {"capital": 0, "primes": [1], "watch": {"0": 0}, "desc": [0, 1, 2, 3]}
    response = client.post(
        quiz_url(course, f"/attempts/{attempt.id}"), data=form_for(attempt, course, partial)
    )
    assert response.status_code == 302 and response.location.endswith(f"/attempts/{attempt.id}")
    db.session.refresh(attempt)
    assert attempt.answers["capital"] == 0 and attempt.answers["primes"] == [1]
    assert attempt.answers["watch"] == {"0": 0} and attempt.answers["desc"] == [0, 1, 2, 3]
    assert attempt.answers["pi"] is None and attempt.status == "in_progress"
    html = client.get(quiz_url(course, f"/attempts/{attempt.id}")).get_data(as_text=True)
    position = attempt.question_ids.index("capital") + 1
    shown = attempt.questions[position - 1]["order"].index(0)
    assert re.search(rf'id="q{position}-{shown}" value="{shown}" checked', html)
    assert "Saved at" in html


def test_autosave_answers_json(client, learner):
    user, course = learner()
    attempt = start(client, course)
    response = client.post(
        quiz_url(course, f"/attempts/{attempt.id}"),
        data=form_for(attempt, course, {"pi": "3,14"}),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json["saved"] is True and re.fullmatch(r"\d\d:\d\d", response.json["saved_at"])
    db.session.refresh(attempt)
    assert attempt.answers["pi"] == "3,14"


def test_resume_after_a_lost_session(app, client, learner):
    user, course = learner(max_attempts=2)
    attempt = start(client, course)
    client.post(
        quiz_url(course, f"/attempts/{attempt.id}"),
        data=form_for(attempt, course, {"osbd": "Observation sentiment"}),
    )
    other_device = app.test_client()  # a new browser: no cookie at all
    assert AuthActions(other_device).login(user.email).status_code == 302
    intro = other_device.get(quiz_url(course)).get_data(as_text=True)
    assert "Resume attempt 1" in intro
    again = other_device.post(quiz_url(course))
    assert again.location.endswith(f"/attempts/{attempt.id}")
    html = other_device.get(again.location).get_data(as_text=True)
    assert 'value="Observation sentiment"' in html
    assert db.session.query(Attempt).count() == 1


def test_submit_shows_the_result_and_review(client, learner):
    user, course = learner(max_attempts=2)
    attempt = start(client, course)
    answers = dict(KEY, capital=1)
    response = client.post(
        quiz_url(course, f"/attempts/{attempt.id}"),
        data=form_for(attempt, course, answers, "submit"),
    )
    assert response.status_code == 302 and response.location.endswith("/result")
    html = client.get(response.location).get_data(as_text=True)
    assert "85.7%" in html and "6 of 7 points" in html
    assert "Passed" in html and "pass mark of 70%" in html
    assert "FEEDBACK-LYON" in html and "EXPLANATION-CAPITAL" in html
    assert "Right answer" in html and "Wrong" in html
    assert "Practise the questions I missed" in html
    # a second submit (double click) changes nothing and lands on the same result
    again = client.post(
        quiz_url(course, f"/attempts/{attempt.id}"), data=form_for(attempt, course, KEY, "submit")
    )
    assert again.location == response.location
    db.session.refresh(attempt)
    assert attempt.percent == pytest.approx(85.71, abs=0.01)
    # the attempt page now redirects to the result
    assert client.get(quiz_url(course, f"/attempts/{attempt.id}")).status_code == 302
    intro = client.get(quiz_url(course)).get_data(as_text=True)
    assert "Attempt 1" in intro and "85.7%" in intro and "1 of 2 used" in intro


def test_show_answers_never_shows_right_or_wrong_and_explanations_but_not_the_key(client, learner):
    user, course = learner(show_answers="never")
    attempt = start(client, course)
    client.post(
        quiz_url(course, f"/attempts/{attempt.id}"), data=form_for(attempt, course, WRONG, "submit")
    )
    html = client.get(quiz_url(course, f"/attempts/{attempt.id}/result")).get_data(as_text=True)
    assert "0%" in html and "Not passed" in html
    assert "Wrong" in html and "EXPLANATION-CAPITAL" in html
    # never the key: no right answer, no per-choice feedback (it may name the right choice)
    assert "FEEDBACK-" not in html and "Right answer" not in html
    assert "<p>Paris</p>" not in html  # the right choice of the question answered wrong


def test_show_answers_after_pass(client, learner):
    user, course = learner(show_answers="after_pass")
    first = start(client, course)
    client.post(
        quiz_url(course, f"/attempts/{first.id}"), data=form_for(first, course, WRONG, "submit")
    )
    html = client.get(quiz_url(course, f"/attempts/{first.id}/result")).get_data(as_text=True)
    assert "once you have passed" in html
    assert "Wrong" in html and "EXPLANATION-CAPITAL" in html  # right/wrong and why…
    assert "Right answer" not in html and "<p>Paris</p>" not in html  # …but not the key
    second = start(client, course)
    client.post(
        quiz_url(course, f"/attempts/{second.id}"), data=form_for(second, course, KEY, "submit")
    )
    html = client.get(quiz_url(course, f"/attempts/{second.id}/result")).get_data(as_text=True)
    assert "EXPLANATION-CAPITAL" in html and "Right answer" in html
    # and now the first attempt's review opens too
    html = client.get(quiz_url(course, f"/attempts/{first.id}/result")).get_data(as_text=True)
    assert "Right answer" in html and "<p>Paris</p>" in html


def test_show_answers_after_last_attempt(client, learner):
    """The key waits until no attempt is left, then opens on every review."""
    user, course = learner(show_answers="after_last_attempt", max_attempts=2)
    first = start(client, course)
    client.post(
        quiz_url(course, f"/attempts/{first.id}"), data=form_for(first, course, WRONG, "submit")
    )
    html = client.get(quiz_url(course, f"/attempts/{first.id}/result")).get_data(as_text=True)
    assert "once you have no attempt left" in html and "EXPLANATION-CAPITAL" in html
    assert "Right answer" not in html and "<p>Paris</p>" not in html
    second = start(client, course)
    client.post(
        quiz_url(course, f"/attempts/{second.id}"), data=form_for(second, course, WRONG, "submit")
    )
    for attempt in (first, second):
        url = quiz_url(course, f"/attempts/{attempt.id}/result")
        html = client.get(url).get_data(as_text=True)
        assert "Right answer" in html and "<p>Paris</p>" in html
    intro = client.get(quiz_url(course)).get_data(as_text=True)
    assert "No attempt left" in intro
    # not in a cohort: the learner is told whom to ask, not that a trainer was told
    assert "Ask your training organisation for another attempt" in intro


def test_late_submission_is_explained(client, learner):
    user, course = learner(time_limit_minutes=10)
    attempt = start(client, course)
    client.post(
        quiz_url(course, f"/attempts/{attempt.id}"), data=form_for(attempt, course, {"capital": 0})
    )
    attempt.started_at -= timedelta(minutes=15)
    attempt.deadline -= timedelta(minutes=15)
    db.session.commit()
    response = client.post(
        quiz_url(course, f"/attempts/{attempt.id}"), data=form_for(attempt, course, KEY, "submit")
    )
    html = client.get(response.location).get_data(as_text=True)
    assert "Time was up" in html and "graded on the answers saved before the time ran out" in html
    assert "14.3%" in html  # only the saved answer counted


def test_an_expired_attempt_page_sends_the_learner_to_the_result(client, learner):
    user, course = learner(time_limit_minutes=10)
    attempt = start(client, course)
    attempt.deadline -= timedelta(minutes=30)
    db.session.commit()
    response = client.get(quiz_url(course, f"/attempts/{attempt.id}"))
    assert response.status_code == 302 and response.location.endswith("/result")
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.late


def test_no_attempt_left_is_said_clearly(client, learner):
    user, course = learner(max_attempts=1)
    attempt = start(client, course)
    client.post(
        quiz_url(course, f"/attempts/{attempt.id}"), data=form_for(attempt, course, WRONG, "submit")
    )
    response = client.post(quiz_url(course), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "You have used all 1 attempts allowed" in html or "used all" in html
    assert "No attempt left" in html
    assert db.session.query(Attempt).count() == 1


def test_practice_over_http_does_not_change_the_grade(client, learner):
    user, course = learner(max_attempts=1)
    attempt = start(client, course)
    client.post(
        quiz_url(course, f"/attempts/{attempt.id}"),
        data=form_for(attempt, course, dict(KEY, capital=2), "submit"),
    )
    response = client.post(quiz_url(course, "/practice"))
    practice = db.session.get(Attempt, int(response.location.rsplit("/", 1)[1]))
    assert practice.practice and practice.question_ids == ["capital"]
    html = client.get(response.location).get_data(as_text=True)
    assert "does not count toward your grade" in html and html.count("<fieldset") == 1
    done = client.post(response.location, data=form_for(practice, course, KEY, "submit"))
    result = client.get(done.location).get_data(as_text=True)
    assert "Practice does not count toward your grade" in result
    standing = services.quiz_standings(user.id, course.slug, course)[STEM]
    assert standing.grade_percent == pytest.approx(85.71, abs=0.01) and standing.attempts_used == 1


def test_other_peoples_attempts_are_not_found(app, client, learner, enrolled):
    user, course = learner()
    owner = enrolled(course)
    theirs = services.start_or_resume(owner, course, STEM)
    for url in (f"/attempts/{theirs.id}", f"/attempts/{theirs.id}/result"):
        assert client.get(quiz_url(course, url)).status_code == 404
    assert (
        client.post(
            quiz_url(course, f"/attempts/{theirs.id}"), data={"action": "submit"}
        ).status_code
        == 404
    )
    db.session.refresh(theirs)
    assert theirs.status == "in_progress"


def test_only_people_who_can_read_the_course(client, make_course, make_user):
    course = make_course()
    assert client.get(quiz_url(course)).status_code == 302  # anonymous: log in
    outsider = make_user()
    AuthActions(client).login(outsider.email)
    assert client.get(quiz_url(course)).status_code == 404
    assert client.post(quiz_url(course)).status_code == 404
    assert client.get(f"/courses/{course.slug}/no-such-module/quiz").status_code == 404
    assert db.session.query(Attempt).count() == 0


def test_the_course_page_lists_the_quiz_with_the_grade(client, learner):
    user, course = learner(max_attempts=3)
    attempt = start(client, course)
    client.post(
        quiz_url(course, f"/attempts/{attempt.id}"), data=form_for(attempt, course, KEY, "submit")
    )
    html = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "Quiz 1: Module 01-quiz" in html and f'href="{quiz_url(course)}"' in html
    assert "Grade 100%" in html and "1 of 3 attempts used" in html and "Passed" in html


def test_the_dashboard_offers_to_resume_a_quiz_in_progress(client, learner):
    user, course = learner()
    assert "Quizzes in progress" not in client.get("/dashboard").get_data(as_text=True)
    attempt = start(client, course)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Quizzes in progress" in html and f'href="{quiz_url(course)}"' in html
    client.post(quiz_url(course, f"/attempts/{attempt.id}"), data={"action": "submit"})
    assert "Quizzes in progress" not in client.get("/dashboard").get_data(as_text=True)
