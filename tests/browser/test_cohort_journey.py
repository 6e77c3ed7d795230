"""A trainer creates a cohort, a learner joins by code and reads a module, the trainer sees the
progress on the dashboard and exports the gradebook — in Chromium, axe-core on every page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, open_menu
from tests.conftest import PASSWORD


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_cohort_journey(page, browser, live_server, make_user):
    trainer = make_user("trainer", email="fatou@example.test", full_name="Fatou Ndiaye")
    make_user("learner", email="amina@example.test", full_name="Amina Haddad")

    _log_in(page, trainer.email)
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts").click()
    assert_accessible(page, "cohorts-list-empty")
    page.get_by_role("link", name="New cohort").click()
    page.get_by_label("Name").fill("Lyon — spring")
    page.get_by_label("Course").select_option("cap-apm")
    page.get_by_label("End date").fill("2030-06-30")
    assert_accessible(page, "cohorts-new")
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.get_by_role("heading", name="Lyon — spring")).to_be_visible()
    assert_accessible(page, "cohorts-dashboard-empty")
    code = page.locator(".join-code code").inner_text()

    learner_context = browser.new_context(
        base_url=live_server, viewport={"width": 360, "height": 760}, locale="en-GB"
    )
    learner_context.set_default_timeout(30_000)
    learner = learner_context.new_page()
    try:
        _log_in(learner, "amina@example.test")
        learner.goto("/join")
        assert_accessible(learner, "cohorts-join-form")
        learner.get_by_label("Join code").fill(code.lower())
        learner.get_by_role("button", name="Continue").click()
        expect(learner.get_by_role("heading", name="Join “Lyon — spring”")).to_be_visible()
        assert_accessible(learner, "cohorts-join")
        learner.get_by_role("button", name="Join this cohort").click()
        expect(learner.get_by_text("Welcome to “Lyon — spring”!")).to_be_visible()
        expect(learner.get_by_text("finish by").first).to_be_visible()
        assert_accessible(learner, "cohorts-course-with-deadline")
        learner.goto("/courses/cap-apm/01-the-job")
        learner.get_by_role("button", name="Mark as done").click()
        expect(learner.get_by_text("Module marked as done.")).to_be_visible()
    finally:
        learner_context.close()

    page.reload()
    row = page.locator("tr", has=page.get_by_role("link", name="Amina Haddad"))
    assert row.locator("td.mc.ok").first.inner_text().startswith("✓")
    assert row.locator("progress").get_attribute("value") != "0"
    assert_accessible(page, "cohorts-dashboard")
    # The charts' text is HTML at the page's size, at least 12 px on this 360 px screen; each
    # chart has a visible title and axis labels.
    sizes = page.eval_on_selector_all(
        ".chart h3, .chart th, .chart td, .chart .bar-ticks text",
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))",
    )
    assert sizes and min(sizes) >= 12, sizes
    expect(page.get_by_role("heading", name="Progress distribution", level=3)).to_be_visible()
    expect(page.get_by_role("columnheader", name="Requirements met").first).to_be_visible()
    # The matrix keeps its header and first column in view, and shows one kind of column alone.
    header = page.locator("table.matrix thead th").first
    assert header.evaluate("e => getComputedStyle(e).position") == "sticky"
    page.get_by_label("Columns").select_option("quizzes")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("table.matrix thead th.matrix-quiz").first).to_be_visible()
    assert page.locator("table.matrix thead th.matrix-module").count() == 0
    assert "columns=quizzes" in page.url
    assert_accessible(page, "cohorts-dashboard-quizzes")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export the gradebook (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf") and b"Amina Haddad" in body

    page.get_by_role("link", name="Amina Haddad").click()
    expect(page.get_by_role("heading", name="Amina Haddad", level=1)).to_be_visible()
    assert_accessible(page, "cohorts-learner")
    page.goto(page.url.split("/learners/")[0] + "/insight")
    assert_accessible(page, "cohorts-insight")
