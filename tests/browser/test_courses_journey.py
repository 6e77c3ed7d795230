"""A learner enrols, reads two modules, marks them done and sees the progress bar move."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, open_menu
from tests.conftest import PASSWORD
from tests.courses.course_factory import write_course


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    root = tmp_path / "courses"
    write_course(root, "mini")
    return {"WTF_CSRF_ENABLED": True, "COURSES_DIR": str(root)}


def progress_value(page) -> str | None:
    return page.locator("progress").first.get_attribute("value")


def test_enrol_read_two_modules_and_see_progress(page, make_user):
    learner = make_user("learner", display_name="Yasmine")
    page.goto("/login")
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My learning", level=1)).to_be_visible()
    expect(page.get_by_text("not enrolled in any course")).to_be_visible()
    assert_accessible(page, "courses-dashboard-empty")

    page.get_by_role("link", name="Browse the courses").click()
    expect(page.get_by_role("heading", name="Courses", level=1)).to_be_visible()
    assert_accessible(page, "courses-catalogue")

    page.get_by_role("link", name="Mini course").click()
    expect(page.get_by_role("heading", name="Mini course", level=1)).to_be_visible()
    assert_accessible(page, "courses-course-not-enrolled")
    page.get_by_role("button", name="Enrol in this course").click()
    expect(page.get_by_text("You are enrolled in Mini course.")).to_be_visible()
    # One progress, everywhere: the requirements (2 modules and the quiz of module 1).
    expect(page.get_by_text("0 of 3 requirements met (0%)").first).to_be_visible()
    assert progress_value(page) == "0"
    assert_accessible(page, "courses-course-enrolled")

    page.get_by_role("link", name="Start with: First module").click()
    expect(page.get_by_role("heading", name="First module", level=1)).to_be_visible()
    # The image loads (decode() waits for it; reading naturalWidth at once raced the load).
    diagram = page.get_by_role("img", name="A diagram")
    diagram.scroll_into_view_if_needed()
    assert diagram.evaluate("img => img.decode().then(() => img.naturalWidth)") == 1
    assert_accessible(page, "courses-module")
    # A module with a quiz: "Mark as done" leads to its quiz.
    page.get_by_role("button", name="Mark as done and take the quiz").click()
    expect(page.get_by_role("heading", name="Check", level=1)).to_be_visible()
    expect(page.get_by_text("Module marked as done.")).to_be_visible()

    page.goto("/courses/mini/02-second")
    page.get_by_role("button", name="Mark as done", exact=True).click()
    expect(page.get_by_role("heading", name="Mini course", level=1)).to_be_visible()
    expect(page.get_by_text("2 of 3 requirements met (66.7%)").first).to_be_visible()
    expect(page.get_by_text("modules done: 2 of 2 · quizzes passed: 0 of 1").first).to_be_visible()
    assert progress_value(page) == "2"
    assert_accessible(page, "courses-course-half")

    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning").click()
    expect(page.get_by_text("2 of 3 requirements met (66.7%)").first).to_be_visible()
    assert progress_value(page) == "2"
    assert_accessible(page, "courses-dashboard")
