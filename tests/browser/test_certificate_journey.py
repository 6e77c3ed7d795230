"""A learner who completed a small course finds the certificate, downloads the PDF and checks
it on the public verification page (by link and by upload) — in Chromium, axe-core on each
page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from certificates import services
from tests.browser.conftest import assert_accessible, open_menu
from tests.certificates.conftest import complete_everything, write_course
from tests.conftest import PASSWORD


@pytest.fixture(scope="module")
def journey_courses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("journey-courses")
    write_course(root)
    return root


@pytest.fixture
def app_config(journey_courses: Path) -> dict[str, object]:
    return {"WTF_CSRF_ENABLED": True, "COURSES_DIR": str(journey_courses)}


def log_in(page, email: str) -> None:  # noqa: ANN001
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_complete_download_verify(page, app, make_user, tmp_path):
    from courses.loader import get_course

    course = get_course("mini")
    learner = make_user("learner", email="sami@example.test", full_name="Sami Haddad")
    complete_everything(learner, course)
    certificate = services.find_current(learner.id, "mini")
    assert certificate is not None

    log_in(page, "sami@example.test")
    page.goto("/courses/mini")
    expect(page.get_by_text("Your certificate was issued on")).to_be_visible()
    assert_accessible(page, "certificate-course-section")

    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Certificates").click()
    expect(page.get_by_role("heading", name="My certificates", level=1)).to_be_visible()
    expect(page.get_by_text("Valid").first).to_be_visible()
    assert_accessible(page, "certificate-mine")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").first.click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF")
    assert data == certificate.pdf
    assert download.suggested_filename.endswith(".pdf")

    page.get_by_role("link", name="Verification page").first.click()
    expect(page.get_by_text("This certificate is valid.")).to_be_visible()
    expect(page.get_by_text("Sami Haddad")).to_be_visible()
    assert_accessible(page, "certificate-verify-valid")

    page.get_by_role("link", name="Check another certificate or a PDF file").click()
    expect(page.get_by_label("Certificate PDF")).to_be_visible()  # the new page, not the old
    assert_accessible(page, "certificate-verify-form")
    page.get_by_label("Certificate PDF").set_input_files(str(saved))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("This file is exactly a certificate we issued.")).to_be_visible()
    assert_accessible(page, "certificate-verify-upload")

    page.get_by_label("Certificate code").fill(certificate.code.upper())
    page.get_by_role("button", name="Check the code").click()
    expect(page.get_by_text("This certificate is valid.")).to_be_visible()

    services.revoke(certificate, None, "Issued to the wrong person")
    page.reload()
    expect(page.get_by_text("This certificate was revoked on")).to_be_visible()
    expect(page.get_by_text("Issued to the wrong person")).to_be_visible()
    assert_accessible(page, "certificate-verify-revoked")


def test_download_for_a_wallet_then_verify_the_credential(page, app, make_user, tmp_path):
    """The learner downloads the signed credential for a wallet; an employer uploads it."""
    from courses.loader import get_course
    from credentials import services as credentials

    course = get_course("mini")
    learner = make_user("learner", email="ines@example.test", full_name="Inès Moreau")
    complete_everything(learner, course)
    certificate = services.find_current(learner.id, "mini")
    stored = credentials.credential_of_certificate(certificate.id).jwt

    log_in(page, "ines@example.test")
    page.goto("/certificates")
    expect(page.get_by_text("Download for a wallet:")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="signed credential (.jwt)").first.click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert download.suggested_filename.endswith(".jwt")
    assert saved.read_text() == stored

    page.goto("/verify")
    page.get_by_label("Certificate PDF or credential file").set_input_files(str(saved))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("This credential is genuine")).to_be_visible()
    expect(page.get_by_text("Credential of Inès Moreau")).to_be_visible()
    assert_accessible(page, "credential-verify-upload")

    page.get_by_role("link", name="See the certificate's verification page").click()
    expect(page.get_by_role("heading", name="Digital credential")).to_be_visible()
    expect(page.get_by_text("Not revoked")).to_be_visible()
    assert_accessible(page, "credential-verify-page")

    services.revoke(certificate, None, "Issued to the wrong person")
    page.goto("/verify")
    page.get_by_label("Certificate PDF or credential file").set_input_files(str(saved))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("This credential is genuine but it was revoked.")).to_be_visible()
