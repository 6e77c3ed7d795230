"""Register, confirm by the emailed link, log in, switch to French, log out — in Chromium."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, open_menu
from tests.conftest import outbox_links


def test_register_login_french_logout(page, live_server, app):
    page.goto("/")
    assert_accessible(page, "home")
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("Email").fill("nadia@example.test")
    page.get_by_label("Display name").fill("Nadia")
    page.get_by_label("Full name").fill("Nadia Benali")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat the password").fill("a long enough password")
    page.get_by_label("I have read the privacy notice").check()
    assert_accessible(page, "register")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert_accessible(page)

    confirm = [link for link in outbox_links(app) if "/confirm/" in link][-1]
    page.goto(confirm.replace("http://localhost", live_server))
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("Your address is confirmed")).to_be_visible()
    open_menu(page)
    page.get_by_role("button", name="Log out").click()

    page.goto("/login")
    assert_accessible(page, "login")
    page.get_by_label("Email").fill("nadia@example.test")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Welcome, Nadia")).to_be_visible()

    open_menu(page)
    page.locator(".site-header").get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_accessible(page, "home-fr")

    open_menu(page)
    page.locator("form[action='/logout'] button").click()
    expect(page.locator("main a[href='/login']")).to_be_visible()
