"""The quiz on a phone: one question per screen with Previous/Next (each step saves, with
JavaScript off too), a sticky bar with "answered x of n" and the time left, a review listing
what is unanswered before Submit; the whole quiz on one page at 1280 px with the same bar; the
time limit still enforced by the server. Axe-core on every page, screenshots kept."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, assert_accessible, keep_screenshot
from tests.conftest import PASSWORD
from tests.quizzes.course_factory import quiz_data, write_course

SLUG = "quiz-steps"
STEM = "01-quiz"


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    content = tmp_path / "content"
    write_course(content, {STEM: quiz_data(max_attempts=3, time_limit_minutes=30)}, slug=SLUG)
    return {"WTF_CSRF_ENABLED": True, "COURSES_DIR": str(content)}


@pytest.fixture
def learner(app, make_user):
    from courses.loader import get_course
    from courses.services import enrol

    user = make_user("learner", display_name="Inès")
    enrol(user, get_course(SLUG))
    return user


def _context(browser, live_server, *, javascript: bool, width: int = 360):
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": width, "height": 760},
        locale="en-GB",
        java_script_enabled=javascript,
    )
    context.set_default_timeout(30_000)
    return context


def _log_in_and_start(page, learner) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.goto(f"/courses/{SLUG}/{STEM}/quiz")
    page.get_by_role("button", name="Start the quiz").click()


def _shot(page, name: str) -> None:
    """A screenshot only: axe-core needs JavaScript, so the pages of a no-JavaScript context
    are checked by axe in the JavaScript journey below (same templates, same steps)."""
    keep_screenshot(page, SCREENSHOTS / name, full_page=True)


def _question(page, n: int):
    return page.get_by_role("heading", name=f"Question {n} of 7", exact=True)


def test_phone_steps_without_javascript_save_each_step_and_review_the_gaps(
    browser, live_server, learner
):
    context = _context(browser, live_server, javascript=False)
    try:
        page = context.new_page()
        _log_in_and_start(page, learner)
        expect(_question(page, 1)).to_be_visible()
        expect(_question(page, 2)).to_be_hidden()  # one question per screen
        bar = page.locator("#quiz-bar")
        expect(bar.get_by_text("Answered: 0 of 7")).to_be_visible()
        expect(bar.locator("#quiz-timer")).to_have_text(re.compile(r"^(29|30):\d\d$"))
        _shot(page, "quizflow-step1-nojs-360")

        page.get_by_label("Paris").check()
        page.get_by_role("button", name="Next").click()
        expect(page).to_have_url(re.compile(r"\?q=2#question-2$"))
        expect(_question(page, 2)).to_be_visible()
        expect(_question(page, 1)).to_be_hidden()
        expect(bar.get_by_text("Answered: 1 of 7")).to_be_visible()  # the step saved
        page.get_by_label("2", exact=True).check()
        page.get_by_role("button", name="Previous").click()
        expect(_question(page, 1)).to_be_visible()
        expect(page.get_by_label("Paris")).to_be_checked()
        expect(bar.get_by_text("Answered: 2 of 7")).to_be_visible()

        # On through the rest, answering only the true/false question, to the last step.
        for n in range(2, 8):
            page.get_by_role("button", name="Next").click()
            expect(_question(page, n)).to_be_visible()
            if n == 3:
                page.get_by_label("True").check()
        expect(page.get_by_role("button", name="Next")).to_have_count(0)
        _shot(page, "quizflow-step7-nojs-360")
        page.get_by_role("button", name="Review and submit").click()

        expect(page.get_by_role("heading", name="4 questions are not answered yet")).to_be_visible()
        expect(bar.get_by_text("Answered: 3 of 7")).to_be_visible()
        gaps = page.locator("section.quiz-unanswered")
        for n in (4, 5, 6, 7):
            expect(gaps.get_by_role("link", name=f"Question {n}", exact=True)).to_be_visible()
        expect(gaps.get_by_role("link", name="Question 1", exact=True)).to_have_count(0)
        _shot(page, "quizflow-review-nojs-360")

        gaps.get_by_role("link", name="Question 5", exact=True).click()
        expect(_question(page, 5)).to_be_visible()
        page.get_by_label("Your answer (a number)").fill("3.14")
        page.get_by_role("button", name="Review and submit").click()
        expect(page.get_by_role("heading", name="3 questions are not answered yet")).to_be_visible()
        page.get_by_role("button", name="Submit my answers").click()
        expect(page.get_by_role("heading", name="Result of attempt 1")).to_be_visible()
        expect(page.get_by_text("50%", exact=True).first).to_be_visible()  # 3.5 of 7 points
    finally:
        context.close()


def test_wide_screen_shows_the_whole_quiz_with_the_same_bar_without_javascript(
    browser, live_server, learner
):
    context = _context(browser, live_server, javascript=False, width=1280)
    try:
        page = context.new_page()
        _log_in_and_start(page, learner)
        for n in range(1, 8):
            expect(_question(page, n)).to_be_visible()
        expect(page.get_by_role("button", name="Next")).to_be_hidden()
        page.get_by_label("Paris").check()
        page.get_by_label("Your answer", exact=True).fill("observation sentiment besoin demande")
        # Enter in a text field is a plain save (the form's first, hidden, button)
        page.get_by_label("Your answer", exact=True).press("Enter")
        expect(page.get_by_text("Your answers are saved")).to_be_visible()
        bar = page.locator("#quiz-bar")
        expect(bar.get_by_text("Answered: 2 of 7")).to_be_visible()
        page.mouse.wheel(0, 2500)
        expect(bar).to_be_in_viewport()  # sticky: still on screen far down the page
        _shot(page, "quizflow-onepage-nojs-1280")
        page.get_by_role("button", name="Review and submit").click()
        expect(page.get_by_role("heading", name="5 questions are not answered yet")).to_be_visible()
        _shot(page, "quizflow-review-nojs-1280")
    finally:
        context.close()


def test_phone_steps_with_javascript_count_live_and_autosave(page, live_server, learner):
    _log_in_and_start(page, learner)
    bar = page.locator("#quiz-bar")
    expect(bar.get_by_text("Answered: 0 of 7")).to_be_visible()
    page.get_by_label("Paris").check()
    expect(bar.get_by_text("Answered: 1 of 7")).to_be_visible()  # before any save: live
    page.locator("#autosave-status").get_by_text("Saved at").wait_for(timeout=15_000)
    page.get_by_role("button", name="Next").click()
    expect(_question(page, 2)).to_be_visible()
    expect(_question(page, 1)).to_be_hidden()
    page.get_by_label("3", exact=True).check()
    expect(bar.get_by_text("Answered: 2 of 7")).to_be_visible()
    page.get_by_label("3", exact=True).uncheck()
    expect(bar.get_by_text("Answered: 1 of 7")).to_be_visible()
    assert_accessible(page, "quizflow-step2-js-360")
    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_role("heading", name="6 questions are not answered yet")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_accessible(page, "quizflow-review-js-1280")


def test_the_server_still_enforces_the_time_limit_on_a_step(page, live_server, learner):
    from quizzes.models import Attempt
    from training.extensions import db

    _log_in_and_start(page, learner)
    page.get_by_label("Paris").check()
    page.get_by_role("button", name="Next").click()
    expect(_question(page, 2)).to_be_visible()
    db.session.expire_all()
    attempt = db.session.scalars(db.select(Attempt)).one()
    attempt.started_at -= timedelta(minutes=40)
    attempt.deadline -= timedelta(minutes=40)
    db.session.commit()
    page.get_by_label("2", exact=True).check()  # too late: this answer is not saved
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Result of attempt 1")).to_be_visible()
    expect(page.get_by_text("Time was up")).to_be_visible()
    expect(page.get_by_text("14.3%", exact=True).first).to_be_visible()  # Paris only


def _attempt_path(page) -> str:
    return urlsplit(page.url).path


def test_the_last_step_on_a_phone_offers_one_way_to_the_review(browser, live_server, learner):
    """On the last question the step bar's "Review and submit" is the only review button (the
    form's own one is for wider screens and earlier steps); at 1280 px there is one too."""
    context = _context(browser, live_server, javascript=False)
    try:
        page = context.new_page()
        _log_in_and_start(page, learner)
        expect(_question(page, 1)).to_be_visible()
        review = page.get_by_role("button", name=re.compile("Review"))
        expect(review).to_have_count(1)  # an earlier step: the form's button
        page.goto(_attempt_path(page) + "?q=7")
        expect(_question(page, 7)).to_be_visible()
        expect(review).to_have_count(1)
        expect(
            page.locator(".quiz-steps").get_by_role("button", name="Review and submit")
        ).to_be_visible()
        _shot(page, "quizflow-last-step-nojs-360")
        page.set_viewport_size({"width": 1280, "height": 900})
        expect(page.locator(".quiz-steps")).to_be_hidden()
        expect(review).to_have_count(1)
        review.click()
        expect(page.get_by_role("heading", name="7 questions are not answered yet")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_step_buttons_fit_on_one_line_at_360_px(browser, live_server, learner, language):
    """Each step button on one line (as tall as Save), inside the screen, in English and French:
    Previous and Next side by side; on the last step, "Review and submit" beside Previous or,
    where both do not fit, on its own row at full width (a deliberate layout, not a squeeze)."""
    from training.extensions import db

    context = _context(browser, live_server, javascript=False)
    try:
        page = context.new_page()
        _log_in_and_start(page, learner)
        expect(page.locator("#question-1")).to_be_visible()
        learner.language = language
        db.session.commit()
        path = _attempt_path(page)
        for step in (2, 7):
            page.goto(f"{path}?q={step}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            previous, forward = page.locator(".quiz-prev"), page.locator(".quiz-next")
            expect(previous).to_be_visible()
            expect(forward).to_be_visible()
            save = page.locator(".quiz-actions").get_by_role("button").first
            one_line = save.bounding_box()["height"]
            row = page.locator(".quiz-steps-buttons").bounding_box()
            boxes = [previous.bounding_box(), forward.bounding_box()]
            for box, button in zip(boxes, (previous, forward), strict=True):
                label = button.inner_text()
                assert box["height"] <= one_line + 1, f"{label!r} wraps at step {step}"
                assert box["x"] >= 0 and box["x"] + box["width"] <= 360, f"{label!r} overflows"
            side_by_side = abs(boxes[0]["y"] - boxes[1]["y"]) < 1
            if step < 7:
                assert side_by_side, "Previous and Next on one row"
            else:
                assert side_by_side or (
                    abs(boxes[1]["x"] - row["x"]) < 1 and abs(boxes[1]["width"] - row["width"]) < 1
                ), f"{forward.inner_text()!r} neither beside Previous nor on its own full row"
            _shot(page, f"quizflow-step{step}-buttons-{language}-360")
    finally:
        context.close()


def test_the_live_count_waits_for_every_pair_of_a_matching_question(page, live_server, learner):
    _log_in_and_start(page, learner)
    expect(_question(page, 1)).to_be_visible()
    page.goto(_attempt_path(page) + "?q=6")
    expect(_question(page, 6)).to_be_visible()
    bar = page.locator("#quiz-bar")
    expect(bar.get_by_text("Answered: 0 of 7")).to_be_visible()
    page.get_by_label("Broken light").select_option(label="Technical")
    page.get_by_label("Shouting man").select_option(label="Behavioural")
    expect(bar.get_by_text("Answered: 0 of 7")).to_be_visible()  # two of three: not yet
    page.get_by_label("Closed shutters").select_option(label="Social")
    expect(bar.get_by_text("Answered: 1 of 7")).to_be_visible()
    page.get_by_label("Shouting man").select_option(index=0)  # back to "— choose —"
    expect(bar.get_by_text("Answered: 0 of 7")).to_be_visible()
    page.get_by_role("button", name="Next").click()  # saves the half-matched question
    expect(_question(page, 7)).to_be_visible()
    expect(bar.get_by_text("Answered: 0 of 7")).to_be_visible()
    # ordering: a position used twice is not an answer
    for item, position in (("Describe", "1"), ("Express", "2"), ("Specify", "2")):
        page.get_by_label(item, exact=True).select_option(position)
    page.get_by_label("Consequences", exact=True).select_option("4")
    expect(bar.get_by_text("Answered: 0 of 7")).to_be_visible()
    page.get_by_label("Specify", exact=True).select_option("3")
    expect(bar.get_by_text("Answered: 1 of 7")).to_be_visible()


def test_an_answer_given_before_the_script_runs_is_counted_and_saved(page, learner):
    """On a slow phone a learner can answer before the deferred script has run: the script
    counts what is already filled in and saves it, not only what changes afterwards."""
    held = []

    def hold_first(route) -> None:  # the first request for the script waits to be released
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/js/quiz-autosave.js", hold_first)
    _log_in_and_start(page, learner)
    page.get_by_label("Paris").check()
    for _ in range(300):  # the browser asks for the script while parsing the page
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the page never asked for quiz-autosave.js"
    held[0].continue_()
    bar = page.locator("#quiz-bar")
    expect(bar.get_by_text("Answered: 1 of 7")).to_be_visible()
    page.locator("#autosave-status").get_by_text("Saved at").wait_for(timeout=15_000)
    page.reload()
    expect(page.get_by_label("Paris")).to_be_checked()
    expect(bar.get_by_text("Answered: 1 of 7")).to_be_visible()
