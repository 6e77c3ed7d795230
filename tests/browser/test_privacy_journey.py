"""A learner reads the privacy notice from the footer, asks for their data on the account page,
opens the mailed link and downloads the ZIP; the link then says it is spent — in Chromium,
axe-core and the Nu Html Checker on each page."""

from __future__ import annotations

import zipfile

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD, outbox_links


def test_notice_then_download_my_data(page, app, make_user, tmp_path):
    learner = make_user(email="yasmina@example.test", full_name="Yasmina Haddad")
    page.goto("/")
    page.get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", name="Privacy notice", level=1)).to_be_visible()
    assert_accessible(page, "privacy-notice")

    page.goto("/login")
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/account")
    section = page.locator("#your-data")
    expect(section.get_by_role("heading", name="Your data")).to_be_visible()
    section.get_by_role("button", name="Download my data").click()
    expect(page.get_by_text("We are preparing your data")).to_be_visible()
    expect(page.locator("#your-data").get_by_text("Your archive is ready")).to_be_visible()
    assert_accessible(page, "account-your-data")

    link = [url for url in outbox_links(app) if "/account/data-export/" in url][-1]
    path = link.replace("http://localhost", "")
    with page.expect_download() as download_info:
        page.evaluate("url => { window.location.href = url; }", path)
    download = download_info.value
    assert download.suggested_filename.startswith("passerelle-data-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert "README.txt" in archive.namelist() and "profile.json" in archive.namelist()

    page.goto(path)
    expect(page.get_by_role("heading", name="Link not valid")).to_be_visible()
    assert_accessible(page, "export-link-spent")
