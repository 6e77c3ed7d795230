"""A long module of the bundled course on a phone and on a wide screen: the key points at the
top, the contents whose links jump to the section headings, and the sticky bar that names the
section being read (JavaScript) or counts the sections (without it). Axe-core on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, assert_accessible, keep_screenshot
from tests.conftest import PASSWORD

CONTENT = Path(__file__).resolve().parents[2] / "content"
SLUG = "cap-apm"
STEM = "07-de-escalation"


@pytest.fixture
def app_config() -> dict[str, object]:
    return {"WTF_CSRF_ENABLED": True, "COURSES_DIR": str(CONTENT)}


@pytest.fixture
def reader(app, make_user):
    from courses.loader import get_course
    from courses.services import enrol

    user = make_user("learner", display_name="Karim")
    enrol(user, get_course(SLUG))
    return user


def _log_in(page, user) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_phone_key_points_contents_jump_and_section_bar(page, live_server, reader):
    from courses.loader import get_course

    module = get_course(SLUG).module(STEM)
    sections = [e for e in module.toc if e.level == 2]
    _log_in(page, reader)
    page.goto(f"/courses/{SLUG}/{STEM}")

    key_points = page.get_by_role("region", name="Key points")
    expect(key_points).to_be_in_viewport()  # at the top, before the text
    expect(key_points.get_by_role("listitem")).to_have_count(len(module.key_points))
    expect(key_points.get_by_text(module.key_points[0])).to_be_visible()
    assert_accessible(page, "quizflow-module-top-360")

    bar = page.locator("#reader-progress")
    page.get_by_text("On this page").first.click()  # the compact contents (a disclosure)
    target = sections[3]
    page.locator("#module-contents").get_by_role("link", name=target.title, exact=True).click()
    expect(page).to_have_url(re.compile(f"#{target.anchor}$"))
    heading = page.locator(f"h2#{target.anchor}")
    expect(heading).to_be_in_viewport()
    expect(bar).to_be_in_viewport()  # sticky
    expect(bar.locator("#reader-section")).to_have_text(
        f"Section 4 of {len(sections)}: {target.title}"
    )
    # the heading is not hidden under the bar
    assert heading.bounding_box()["y"] >= bar.bounding_box()["y"] + bar.bounding_box()["height"] - 1
    assert_accessible(page, "quizflow-module-section-360")

    # "Contents" in the bar goes back to the list, open
    bar.get_by_role("link", name="Contents").click()
    contents = page.locator("#module-contents")
    expect(contents).to_have_attribute("open", "")
    expect(contents.get_by_role("link", name=sections[0].title)).to_be_in_viewport()


def test_wide_screen_side_contents_marks_the_section(page, live_server, reader):
    from courses.loader import get_course

    module = get_course(SLUG).module(STEM)
    sections = [e for e in module.toc if e.level == 2]
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, reader)
    page.goto(f"/courses/{SLUG}/{STEM}")
    expect(page.get_by_role("region", name="Key points")).to_be_visible()
    side = page.get_by_role("navigation", name="On this page")
    expect(side).to_be_visible()
    expect(page.locator("#reader-progress")).to_be_hidden()  # the side contents does its job
    assert_accessible(page, "quizflow-module-top-1280")
    side.get_by_role("link", name=sections[2].title, exact=True).click()
    expect(page.locator(f"h2#{sections[2].anchor}")).to_be_in_viewport()
    expect(side.locator("a[aria-current=location]")).to_have_text(sections[2].title)
    expect(side).to_be_in_viewport()  # sticky beside the text


def test_without_javascript_the_bar_counts_sections_and_links_still_jump(
    browser, live_server, reader
):
    from courses.loader import get_course

    module = get_course(SLUG).module(STEM)
    sections = [e for e in module.toc if e.level == 2]
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": 360, "height": 760},
        locale="en-GB",
        java_script_enabled=False,
    )
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        _log_in(page, reader)
        page.goto(f"/courses/{SLUG}/{STEM}")
        bar = page.locator("#reader-progress")
        expect(bar.get_by_text(f"{len(sections)} sections")).to_be_visible()
        page.get_by_text("On this page").first.click()
        last = sections[-1]
        page.locator("#module-contents").get_by_role("link", name=last.title, exact=True).click()
        expect(page.locator(f"h2#{last.anchor}")).to_be_in_viewport()
        expect(bar).to_be_in_viewport()
        keep_screenshot(page, SCREENSHOTS / "quizflow-module-nojs-360")
    finally:
        context.close()
