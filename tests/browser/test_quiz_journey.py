"""Log in, open a quiz, answer some questions on the one-page form of a wide screen, save,
reload, answer the rest (autosave on), check the review and submit, read the result — in
Chromium, axe-core on every page. (The phone's one-question-per-screen flow, with and without
JavaScript, is in test_quiz_steps_journey.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD
from tests.quizzes.course_factory import quiz_data, write_course

SLUG = "quiz-journey"
STEM = "01-quiz"


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    content = tmp_path / "content"
    write_course(
        content, {STEM: quiz_data(max_attempts=2, time_limit_minutes=30, shuffle=True)}, slug=SLUG
    )
    return {"WTF_CSRF_ENABLED": True, "COURSES_DIR": str(content)}


def test_take_a_quiz_save_reload_submit_and_review(page, live_server, app, make_user):
    from courses.loader import get_course
    from courses.services import enrol

    learner = make_user("learner", display_name="Inès")
    enrol(learner, get_course(SLUG))

    page.goto("/login")
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/courses/{SLUG}/{STEM}/quiz")
    expect(page.get_by_role("heading", name="Test quiz", level=1)).to_be_visible()
    assert_accessible(page, "quiz-intro")
    page.get_by_role("button", name="Start the quiz").click()

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_role("heading", name="Question 1 of 7")).to_be_visible()
    expect(page.get_by_role("heading", name="Question 7 of 7")).to_be_visible()  # one page
    assert_accessible(page, "quiz-attempt")
    page.get_by_label("Paris").check()
    page.get_by_label("2", exact=True).check()
    page.get_by_label("3", exact=True).check()
    page.get_by_label("True").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your answers are saved")).to_be_visible()
    page.reload()
    assert page.get_by_label("Paris").is_checked()
    assert page.get_by_label("2", exact=True).is_checked()
    assert page.get_by_label("True").is_checked()
    assert not page.get_by_label("4", exact=True).is_checked()

    page.get_by_label("Your answer", exact=True).fill("observation, sentiment, besoin, demande")
    page.get_by_label("Your answer (a number)").fill("3,14")
    for left, right in [
        ("Broken light", "Technical"),
        ("Shouting man", "Behavioural"),
        ("Closed shutters", "Social"),
    ]:
        page.get_by_label(left).select_option(label=right)
    for position, item in enumerate(["Describe", "Express", "Specify", "Consequences"], start=1):
        page.get_by_label(item, exact=True).select_option(str(position))
    # the autosave script reports in the live region
    status = page.locator("#autosave-status")
    status.get_by_text("Saved at").wait_for(timeout=10_000)
    expect(page.locator("#quiz-answered")).to_have_text("Answered: 7 of 7")
    assert_accessible(page, "quiz-attempt-1280")

    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_text("You have answered all 7 questions.")).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 760})
    assert_accessible(page, "quiz-review-all-answered-360")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Result of attempt 1")).to_be_visible()
    expect(page.get_by_text("100%", exact=True).first).to_be_visible()
    expect(page.get_by_text("You reached the pass mark of 70%")).to_be_visible()
    expect(page.get_by_role("heading", name="Review")).to_be_visible()
    expect(page.get_by_text("EXPLANATION-CAPITAL")).to_be_visible()
    assert_accessible(page, "quiz-result")

    page.get_by_role("link", name="Back to the quiz").click()
    expect(page.get_by_role("table").get_by_text("Attempt 1")).to_be_visible()
    assert_accessible(page, "quiz-intro-after")
