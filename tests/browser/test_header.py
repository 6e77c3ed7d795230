"""The site header (issue 18, item 2): one line on a phone with a Menu disclosure that opens the
navigation without JavaScript; the language choice in that menu and in the footer; the
navigation inline on a wide screen — in Chromium, axe-core and vnu on each page where
JavaScript runs (axe needs it; the no-JavaScript test checks geometry and behaviour)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, keep_screenshot
from tests.conftest import PASSWORD

SHOTS = Path("/tmp/shots/htmlvalid")


def log_in(page, email: str) -> None:  # noqa: ANN001
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def shot(page, name: str) -> None:  # noqa: ANN001
    keep_screenshot(page, SHOTS / name)


@pytest.fixture
def no_js_page(browser, live_server: str):
    """A phone-sized page with JavaScript off: the menu must open all the same."""
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": 360, "height": 760},
        locale="en-GB",
        java_script_enabled=False,
    )
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def test_phone_header_is_one_line_and_the_menu_opens_without_javascript(
    no_js_page, make_user
) -> None:
    page = no_js_page
    make_user("learner", email="learner@example.test")
    log_in(page, "learner@example.test")
    header = page.locator(".site-header")
    brand = page.get_by_role("link", name="Passerelle")
    menu = page.locator(".site-menu > summary")
    expect(menu).to_have_text("Menu")
    # One line: the brand and the Menu button side by side, the header no taller than one
    # 44 px target plus its padding (the old header took a third of the screen).
    header_box, brand_box = header.bounding_box(), brand.bounding_box()
    menu_box = menu.bounding_box()
    assert header_box["height"] <= 64, header_box
    # Side by side: their vertical centres agree (their tops need not: the two boxes may differ
    # in height while the logo and fonts load), and the menu is to the right of the brand.
    brand_middle = brand_box["y"] + brand_box["height"] / 2
    menu_middle = menu_box["y"] + menu_box["height"] / 2
    assert abs(brand_middle - menu_middle) < 12, (brand_box, menu_box)
    assert menu_box["x"] > brand_box["x"], (brand_box, menu_box)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    expect(page.locator(".site-header").get_by_role("button", name="Log out")).to_be_hidden()
    shot(page, "header-360-closed")

    menu.click()
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link", name="My learning")).to_be_visible()
    expect(page.locator(".site-header").get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator(".site-header").get_by_role("button", name="Français")).to_be_visible()
    shot(page, "header-360-open")

    # The language switch from the menu works without JavaScript (a plain form post).
    page.locator(".site-header").get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".site-menu > summary")).to_have_text("Menu")
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_hidden()
    # …and back from the footer.
    page.locator(".site-footer").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_phone_menu_anonymous_and_language_from_the_footer(page) -> None:
    page.goto("/")
    page.locator(".site-footer").get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".site-footer").get_by_role("button", name="Français")).to_have_attribute(
        "aria-current", "true"
    )
    page.locator(".site-menu > summary").click()
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()
    shot(page, "header-360-open-fr-anonymous")
    assert_accessible(page)


def test_wide_screen_shows_the_navigation_inline(browser, live_server, make_user) -> None:
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1280, "height": 800}, locale="en-GB"
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        make_user("admin", email="admin@example.test")
        log_in(page, "admin@example.test")
        expect(page.locator(".site-menu > summary")).to_be_hidden()
        nav = page.get_by_role("navigation", name="Main")
        expect(nav).to_be_visible()
        for name in ("My learning", "Courses", "Users", "Account"):
            expect(nav.get_by_role("link", name=name)).to_be_visible()
        logout = page.locator(".site-header").get_by_role("button", name="Log out")
        expect(logout).to_be_visible()
        shot(page, "header-1280-admin")
        header_box = page.locator(".site-header").bounding_box()
        assert header_box["height"] <= 64, header_box  # one line
        assert_accessible(page)
        nav.get_by_role("link", name="Users").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        shot(page, "users-1280")
        assert_accessible(page)
        logout.click()
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    finally:
        context.close()
