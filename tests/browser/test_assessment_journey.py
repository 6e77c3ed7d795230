"""Assessment that certifies what it claims, in Chromium at phone width (axe-core on each page):
a learner plays a role-play choosing by text (the run shows its own order), takes a critical
choice and reads why it cannot pass, plays again safely and passes; fails a quiz with one
attempt, sees the review without the key and is told the trainer knows; the trainer sees
"needs an extra attempt", grants one with a reason, and the learner can start again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD
from tests.roleplays.test_pass_rules import SCENARIO

SLUG = "assessed"
COURSE = """\
title: Assessed course
summary: A course whose assessment follows the rules.
language: en
hours: 0.5
modules: [01-intro]
roleplays: [door]
completion:
  pass_mark: 70
  roleplay_min_score: 60
certificate:
  title: Certificate of completion
  signatory: Ann Smith, Director
  issuer: Test centre
"""
MODULE = """\
---
title: Introduction
summary: The first module.
minutes: 5
objectives:
  - Know the limits of the role
---
# Introduction

A mediator has no power of constraint.
"""
QUIZ = """\
title: Limits of the role
max_attempts: 2
show_answers: after_last_attempt
questions:
  - id: constraint
    type: single
    prompt: What may a mediator do when a resident refuses to talk?
    explanation: A mediator offers, never imposes; EXPLAINED-HERE.
    choices:
      - text: Respect the refusal and offer another time
        correct: true
      - text: Threaten to call the police
        correct: false
"""


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    folder = tmp_path / "content" / SLUG
    (folder / "modules").mkdir(parents=True)
    (folder / "roleplays").mkdir()
    (folder / "course.yaml").write_text(COURSE, encoding="utf-8")
    (folder / "modules" / "01-intro.md").write_text(MODULE, encoding="utf-8")
    (folder / "modules" / "01-intro.quiz.yaml").write_text(QUIZ, encoding="utf-8")
    (folder / "roleplays" / "door.yaml").write_text(SCENARIO, encoding="utf-8")
    return {"WTF_CSRF_ENABLED": True, "COURSES_DIR": str(tmp_path / "content")}


def log_in(page, user) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def shown_texts(page) -> list[str]:
    return page.locator("button.choice-button").all_inner_texts()


def test_play_fail_unsafe_pass_safe_and_get_a_second_chance(page, browser, live_server, make_user):
    from cohorts import services as cohorts
    from courses.loader import get_course

    course = get_course(SLUG)
    assert course is not None
    trainer = make_user("trainer", full_name="Tom Trainer")
    learner = make_user("learner", full_name="Lina Learner", display_name="Lina")
    cohort = cohorts.create_cohort(
        trainer, cohorts.CohortFields("Evening group", SLUG, None, None, "", ())
    )
    cohorts.join(learner, cohort)
    log_in(page, learner)

    # A role-play, chosen by text: first the threat that "works" (a critical choice).
    page.goto(f"/courses/{SLUG}/roleplays/door")
    expect(page.get_by_text("with no critical choice (an unsafe or unlawful act)")).to_be_visible()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Decision 1")).to_be_visible()
    door = course.roleplay("door").node("door")
    assert sorted(shown_texts(page)) == sorted(c.text for c in door.choices)
    page.reload()  # the order is the run's: a reload shows the same one
    first_order = shown_texts(page)
    page.reload()
    assert shown_texts(page) == first_order
    assert_accessible(page, "assessment-turn")
    page.get_by_role("button", name="Threaten to have him arrested", exact=True).click()
    page.get_by_role("button", name="Propose to meet the neighbour tomorrow", exact=True).click()

    critical = page.locator("section.roleplay-critical")
    expect(
        critical.get_by_role("heading", name="A critical choice: this run cannot pass")
    ).to_be_visible()
    expect(critical.get_by_text("Threaten to have him arrested")).to_be_visible()
    expect(critical.get_by_text("a threat you cannot carry out")).to_be_visible()
    expect(critical.get_by_text("Listen calmly and reformulate")).to_be_visible()
    expect(page.get_by_text("Does not pass", exact=True)).to_be_visible()
    assert_accessible(page, "assessment-debrief-critical")

    # Again, safely: it passes.
    page.get_by_role("button", name="Start again").click()
    page.get_by_role("button", name="Listen calmly and reformulate", exact=True).click()
    expect(page.get_by_role("heading", name="Feedback on decision 1")).to_be_visible()
    page.get_by_role("button", name="Propose to meet the neighbour tomorrow", exact=True).click()
    expect(page.get_by_text("Counts for the certificate", exact=True)).to_be_visible()
    expect(page.locator("section.roleplay-critical")).to_have_count(0)
    assert_accessible(page, "assessment-debrief-pass")

    # The module leads to its quiz. Attempt 1 failed: the review hides the key…
    page.goto(f"/courses/{SLUG}/01-intro")
    page.get_by_role("button", name="Mark as done and take the quiz").click()
    for number in (1, 2):
        page.get_by_role("button", name="Start" if number == 1 else "Start attempt 2").first.click()
        page.get_by_label("Threaten to call the police").check()
        page.get_by_role("button", name="Review and submit").click()
        expect(page.get_by_text("You have answered the 1 question.")).to_be_visible()
        page.get_by_role("button", name="Submit my answers").click()
        expect(page.get_by_role("heading", name=f"Result of attempt {number}")).to_be_visible()
        expect(page.get_by_text("Wrong", exact=True)).to_be_visible()
        expect(page.get_by_text("EXPLAINED-HERE")).to_be_visible()
        if number == 1:
            expect(page.get_by_text("Right answer", exact=True)).to_have_count(0)
            expect(page.get_by_text("once you have no attempt left")).to_be_visible()
            assert_accessible(page, "assessment-quiz-review-no-key")
        else:  # …until no attempt is left.
            expect(page.get_by_text("Right answer", exact=True)).to_be_visible()
        page.get_by_role("link", name="Back to the quiz").click()
    expect(page.get_by_text("No attempt left", exact=True)).to_be_visible()
    expect(page.get_by_text("Your trainer has been told.")).to_be_visible()
    assert_accessible(page, "assessment-quiz-no-attempt")

    # The trainer sees it and grants an extra attempt, with a reason.
    trainer_context = browser.new_context(
        base_url=live_server, viewport={"width": 360, "height": 760}, locale="en-GB"
    )
    trainer_context.set_default_timeout(30_000)
    try:
        trainer_page = trainer_context.new_page()
        log_in(trainer_page, trainer)
        trainer_page.goto(f"/cohorts/{cohort.id}")
        flag = trainer_page.get_by_role("link", name="Needs an extra attempt: quiz 1")
        expect(flag).to_be_visible()
        assert_accessible(trainer_page, "assessment-trainer-dashboard")
        flag.click()
        form = trainer_page.locator("form.second-chance-form")
        form.get_by_label("Second chance").select_option(
            label="Extra attempts at quiz 1, Introduction"
        )
        form.get_by_label("Reason").fill("Went over the limits of the role with me on Monday.")
        assert_accessible(trainer_page, "assessment-trainer-learner")
        form.get_by_role("button", name="Grant").click()
        expect(trainer_page.get_by_text("Done: the learner is told")).to_be_visible()
        expect(trainer_page.get_by_text("1 extra attempt: Quiz: Introduction")).to_be_visible()
        expect(
            trainer_page.get_by_text("Went over the limits of the role with me on Monday.")
        ).to_be_visible()
    finally:
        trainer_context.close()

    page.reload()
    expect(page.get_by_role("button", name="Start attempt 3")).to_be_visible()
    expect(page.get_by_text("including 1 extra attempt from your trainer")).to_be_visible()
