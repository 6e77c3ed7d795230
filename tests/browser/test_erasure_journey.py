"""A learner deletes their account from the account page: a wrong password first, then the
mailed link, the grace period with its banner, a cancel — in Chromium, axe-core and the Nu Html
Checker on each page; then an admin erases an account with a reason."""

from __future__ import annotations

from playwright.sync_api import expect

from privacy import erasure
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD, outbox_links
from training.extensions import db
from training.models import User


def _login(page, email: str) -> None:  # noqa: ANN001
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_delete_my_account_then_cancel(page, app, make_user):
    learner = make_user(email="oceane@example.test", full_name="Océane Delorme")
    _login(page, learner.email)
    page.goto("/account")
    page.locator("#your-data").get_by_role("link", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Delete my account", level=1)).to_be_visible()
    assert_accessible(page, "delete-account")

    page.get_by_label("Revoke them").check()
    page.get_by_label("Your password").fill("not the password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your password is not correct.").first).to_be_visible()
    assert_accessible(page, "delete-account-wrong-password")

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("We have sent you a mail").first).to_be_visible()

    link = [url for url in outbox_links(app) if "/account/delete/confirm/" in url][-1]
    page.goto(link.replace("http://localhost", ""))
    assert_accessible(page, "delete-confirm")
    page.get_by_role("button", name="Confirm the deletion").click()
    expect(page.get_by_role("heading", name="Deletion confirmed")).to_be_visible()
    assert_accessible(page, "delete-scheduled")

    page.goto("/dashboard")
    banner = page.get_by_text("Your account will be erased on")
    expect(banner).to_be_visible()
    page.get_by_role("link", name="Cancel the deletion").first.click()
    page.get_by_role("button", name="Cancel the deletion").click()
    expect(page.get_by_text("The deletion of your account is cancelled.")).to_be_visible()
    expect(page.get_by_text("Your account will be erased on")).to_have_count(0)
    assert erasure.open_request(learner.id) is None


def test_admin_erases_an_account_with_a_reason(page, app, make_user):
    admin = make_user("admin")
    learner = make_user(email="basile@example.test", full_name="Basile Fontenoy")
    _login(page, admin.email)
    page.goto("/admin/users")
    page.get_by_role("row", name="Basile Fontenoy").get_by_role("link", name="Erase…").click()
    expect(page.get_by_role("heading", name="Erase an account")).to_be_visible()
    assert_accessible(page, "admin-erase")
    page.get_by_label("Reason (kept in the audit log)").fill("Written request of 1 December")
    page.get_by_role("button", name="Erase this account").click()
    expect(page.get_by_text("The account is erased.")).to_be_visible()
    db.session.expire_all()
    assert erasure.is_erased(db.session.get(User, learner.id))
