"""Log in, open a role-play with a content note, start, play to the debrief, save a reflection
— in Chromium at phone width, axe-core on every page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from courses.roleplay import best_choice
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD

CONTENT = Path(__file__).resolve().parents[2] / "content"
SLUG = "building-hall"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"WTF_CSRF_ENABLED": True, "COURSES_DIR": str(CONTENT)}


def _current_node(run_id: int) -> str:
    from courses.roleplay_models import RoleplayRun
    from training.extensions import db

    db.session.expire_all()
    return db.session.get(RoleplayRun, run_id).current_node


def test_play_a_roleplay_to_its_debrief(page, live_server, app, make_user):
    from courses.loader import get_course
    from courses.services import enrol

    course = get_course("cap-apm")
    scenario = course.roleplay(SLUG)
    assert scenario.content_note
    learner = make_user("learner", display_name="Sami")
    enrol(learner, course)

    page.goto("/login")
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/courses/cap-apm/roleplays/{SLUG}")
    note = page.get_by_role("heading", name="Content note")
    setting = page.get_by_role("heading", name="The setting")
    expect(note).to_be_visible()
    assert note.bounding_box()["y"] < setting.bounding_box()["y"]
    assert_accessible(page, "roleplay-intro")
    page.get_by_role("button", name="Start").click()

    expect(page.get_by_role("heading", name="Decision 1")).to_be_visible()
    assert_accessible(page, "roleplay-turn-1")
    run_id = int(page.url.rstrip("/").split("/")[-1])

    decision = 1
    while "/debrief" not in page.url:
        node = scenario.node(_current_node(run_id))
        # The best choice, except once at decision 2, so the debrief has a better choice to show;
        # chosen by its text, as a learner does: the run shows the choices in its own order.
        best = best_choice(scenario, node.id)
        choice = best if decision != 2 else next(c for c in node.choices if c is not best)
        page.get_by_role("button", name=choice.text, exact=True).click()
        decision += 1
        if "/debrief" in page.url:
            break
        expect(
            page.get_by_role("heading", name=f"Feedback on decision {decision - 1}")
        ).to_be_visible()
        expect(page.get_by_role("heading", name=f"Decision {decision}", exact=True)).to_be_visible()
        if decision == 2:
            assert_accessible(page, "roleplay-turn-feedback")

    expect(page.get_by_role("heading", name="Your path")).to_be_visible()
    expect(page.get_by_text("A better choice:").first).to_be_visible()
    assert page.locator("meter").count() >= 1
    assert_accessible(page, "roleplay-debrief")

    page.get_by_label("What would you do differently on the job?").fill(
        "Wait for my partner before going up."
    )
    page.get_by_role("button", name="Save my reflection").click()
    expect(page.get_by_text("Your reflection is saved with this run.")).to_be_visible()
    assert_accessible(page)

    # A finished run's turn page leads to its debrief; the intro lists the run with its score.
    page.goto(f"/courses/cap-apm/roleplays/{SLUG}/runs/{run_id}")
    assert "/debrief" in page.url
    page.goto(f"/courses/cap-apm/roleplays/{SLUG}")
    expect(page.get_by_role("heading", name="Your runs")).to_be_visible()
    expect(page.get_by_role("button", name="Start again")).to_be_visible()
    assert_accessible(page, "roleplay-intro-runs")

    # The course page lists every role-play with the best score.
    page.goto("/courses/cap-apm")
    section = page.locator("section.course-roleplays")
    expect(section.get_by_role("link", name=scenario.title)).to_be_visible()
    expect(
        section.get_by_text("Passed with").or_(section.get_by_text("Best score")).first
    ).to_be_visible()
    assert_accessible(page, "roleplay-course-section")
