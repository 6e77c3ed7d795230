"""One question at a time over HTTP (what a browser without JavaScript does): each step posts
the whole form and saves, ?q=N marks the step, the review lists what is unanswered, Submit
from the review grades the saved draft, and the time limit holds on every step."""

from __future__ import annotations

import re
from datetime import timedelta

from quizzes.forms import label_html
from quizzes.model import Question
from quizzes.steps import answered_ids, is_answered, parse_step
from tests.quizzes import test_views
from tests.quizzes.course_factory import KEY
from tests.quizzes.test_views import form_for, quiz_url, start
from training.extensions import db

learner = test_views.learner  # the same fixture: a logged-in learner in a fresh course


def _attempt_url(course, attempt) -> str:
    return quiz_url(course, f"/attempts/{attempt.id}")


def _question(id_: str, type_: str, **fields) -> Question:
    return Question(id=id_, type=type_, prompt="", prompt_html="", **fields)


MATCHING = _question("m", "matching", pairs=(("a", "1"), ("b", "2"), ("c", "3")))
ORDERING = _question("o", "ordering", items=("w", "x", "y"))


def test_is_answered_tells_blank_from_given():
    assert not any(is_answered(v) for v in (None, "", "  ", [], {}, [None, None]))
    assert all(is_answered(v) for v in (0, False, True, "x", [2], {"0": 1}, [None, 3]))
    single = _question("a", "single")
    assert answered_ids([single, _question("b", "numeric")], {"a": 0, "b": None}) == {"a"}


def test_matching_and_ordering_count_only_when_every_item_is_set():
    """One dropdown of a matching (or ordering) question set is not an answer yet."""
    assert not is_answered({"0": 2}, MATCHING)
    assert not is_answered({"0": 2, "1": 0}, MATCHING)
    assert is_answered({"0": 2, "1": 0, "2": 1}, MATCHING)
    assert not any(is_answered(v, MATCHING) for v in (None, {}, [1, 2, 0]))
    assert not is_answered([None, 2, None], ORDERING)
    assert not is_answered([1, 2], ORDERING)
    assert is_answered([1, 2, 0], ORDERING)
    answers = {"m": {"0": 2}, "o": [2, 0, 1]}
    assert answered_ids([MATCHING, ORDERING], answers) == {"o"}


def test_parse_step_clamps_and_never_fails():
    assert [parse_step(raw, 7) for raw in ("3", "0", "-2", "99", "x", None, " 2 ")] == [
        3, 1, 1, 7, 1, 1, 2,
    ]  # fmt: skip


def test_a_choice_label_holds_no_paragraph():
    assert label_html("<p>Paris <strong>!</strong></p>") == "Paris <strong>!</strong>"
    assert label_html("<p>a</p>\n<p>b</p>") == (
        '<span class="label-para">a</span>\n<span class="label-para">b</span>'
    )


def test_the_page_marks_the_step_and_counts_answers_from_the_draft(client, learner):
    user, course = learner()
    attempt = start(client, course)
    html = client.get(_attempt_url(course, attempt)).get_data(as_text=True)
    assert 'class="quiz-question is-current" id="question-1"' in html
    assert "Answered: 0 of 7" in html
    assert html.count("data-question") == 7  # every question stays in the form
    assert "<label" in html and not re.search(r"<label[^>]*>\s*<p>", html)

    client.post(_attempt_url(course, attempt), data=form_for(attempt, course, {"capital": 0}))
    html = client.get(_attempt_url(course, attempt) + "?q=3").get_data(as_text=True)
    assert 'class="quiz-question is-current" id="question-3"' in html
    assert 'name="goto" value="2"' in html and 'name="goto" value="4"' in html
    assert "Answered: 1 of 7" in html
    last = client.get(_attempt_url(course, attempt) + "?q=99").get_data(as_text=True)
    assert 'id="question-7"' in last and 'name="goto" value="review"' in last


def test_next_saves_and_moves_on_previous_goes_back(client, learner):
    user, course = learner()
    attempt = start(client, course)
    data = form_for(attempt, course, {"capital": 0}) | {"goto": "2", "step": "1"}
    data.pop("action")
    response = client.post(_attempt_url(course, attempt), data=data)
    assert response.status_code == 302
    assert response.location.endswith(f"/attempts/{attempt.id}?q=2#question-2")
    db.session.refresh(attempt)
    assert attempt.answers["capital"] == 0 and attempt.saved_at is not None

    data = form_for(attempt, course, {"capital": 0, "primes": [0, 1]}) | {"goto": "1"}
    response = client.post(_attempt_url(course, attempt), data=data)
    assert response.location.endswith("?q=1#question-1")
    db.session.refresh(attempt)
    assert attempt.answers["primes"] == [0, 1]

    # a plain Save keeps the step the learner was on
    data = form_for(attempt, course, {"capital": 1}) | {"step": "4"}
    assert client.post(_attempt_url(course, attempt), data=data).location.endswith("?q=4")


def test_review_lists_the_unanswered_and_submit_grades_the_draft(client, learner):
    user, course = learner()
    attempt = start(client, course)
    partial = {k: v for k, v in KEY.items() if k not in ("pi", "desc")}
    response = client.post(
        _attempt_url(course, attempt), data=form_for(attempt, course, partial, "review")
    )
    assert response.location.endswith(f"/attempts/{attempt.id}/review")
    html = client.get(response.location).get_data(as_text=True)
    assert "2 questions are not answered yet" in html
    assert "Answered: 5 of 7" in html
    unanswered = html.split('class="panel quiz-unanswered"')[1].split("</section>")[0]
    positions = [i for i, e in enumerate(attempt.questions, 1) if e["id"] in ("pi", "desc")]
    for position in positions:
        assert f"?q={position}#question-{position}" in unanswered
    assert "Pi to two decimals?" in unanswered
    assert "Which city" not in unanswered

    response = client.post(_attempt_url(course, attempt) + "/submit")
    assert response.location.endswith(f"/attempts/{attempt.id}/result")
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and not attempt.late
    assert attempt.answers["capital"] == KEY["capital"]  # the saved draft was graded
    assert 0 < attempt.percent < 100
    # submitted: the review page and a second submit lead to the result, nothing changes
    assert client.get(_attempt_url(course, attempt) + "/review").location.endswith("/result")
    client.post(_attempt_url(course, attempt) + "/submit")
    db.session.refresh(attempt)
    assert attempt.submitted_at is not None and 0 < attempt.percent < 100


def test_a_half_matched_question_is_still_unanswered_on_the_page_and_the_review(client, learner):
    user, course = learner()
    attempt = start(client, course)
    position = next(i for i, e in enumerate(attempt.questions, 1) if e["id"] == "watch")
    half = {"capital": 0, "watch": {"0": KEY["watch"]["0"]}}
    client.post(_attempt_url(course, attempt), data=form_for(attempt, course, half))
    db.session.refresh(attempt)
    assert attempt.answers["watch"] == {"0": KEY["watch"]["0"]}  # what was chosen is kept
    html = client.get(_attempt_url(course, attempt)).get_data(as_text=True)
    assert "Answered: 1 of 7" in html
    assert f'id="question-{position}" data-question="matching"' in html
    review = client.get(_attempt_url(course, attempt) + "/review").get_data(as_text=True)
    unanswered = review.split('class="panel quiz-unanswered"')[1].split("</section>")[0]
    assert f"?q={position}#question-{position}" in unanswered
    assert "6 questions are not answered yet" in review

    client.post(_attempt_url(course, attempt), data=form_for(attempt, course, half | KEY))
    html = client.get(_attempt_url(course, attempt) + "/review").get_data(as_text=True)
    assert "You have answered all 7 questions." in html


def test_the_french_review_puts_a_no_break_space_before_its_colons(client, learner):
    user, course = learner()
    user.language = "fr"
    db.session.commit()
    attempt = start(client, course)
    html = client.get(_attempt_url(course, attempt) + "/review").get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert re.search(r"Question 1</a>\u00a0: <span", html)
    assert not re.search(r"</a>: <span", html)


def test_all_answered_review_says_so(client, learner):
    user, course = learner()
    attempt = start(client, course)
    client.post(_attempt_url(course, attempt), data=form_for(attempt, course, KEY))
    html = client.get(_attempt_url(course, attempt) + "/review").get_data(as_text=True)
    assert "You have answered all 7 questions." in html and "not answered yet" not in html


def test_the_time_limit_holds_on_steps_and_on_the_review(client, learner):
    user, course = learner(time_limit_minutes=10)
    attempt = start(client, course)
    client.post(_attempt_url(course, attempt), data=form_for(attempt, course, {"capital": 0}))
    html = client.get(_attempt_url(course, attempt) + "/review").get_data(as_text=True)
    assert 'id="quiz-timer"' in html
    attempt.started_at -= timedelta(minutes=15)
    attempt.deadline -= timedelta(minutes=15)
    db.session.commit()
    # a step after the deadline saves nothing and grades what was saved, marked late
    data = form_for(attempt, course, KEY) | {"goto": "2"}
    data.pop("action")
    response = client.post(_attempt_url(course, attempt), data=data)
    assert response.location.endswith("/result")
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.late
    assert round(attempt.percent, 1) == 14.3  # only the answer saved in time counted


def test_an_expired_review_page_grades_and_shows_the_result(client, learner):
    user, course = learner(time_limit_minutes=10)
    attempt = start(client, course)
    attempt.deadline -= timedelta(minutes=30)
    db.session.commit()
    response = client.get(_attempt_url(course, attempt) + "/review")
    assert response.status_code == 302 and response.location.endswith("/result")
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.late


def test_the_review_submit_needs_the_csrf_token(app, client, learner):
    user, course = learner()
    attempt = start(client, course)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(_attempt_url(course, attempt) + "/submit").status_code == 400
    db.session.refresh(attempt)
    assert attempt.status == "in_progress"
