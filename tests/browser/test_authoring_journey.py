"""An admin reviews the course files: the checker's findings and each role-play's graph, at
360 px and 1280 px, axe-clean (issue 20, item 4)."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD

pytestmark = pytest.mark.skipif(
    shutil.which("dot") is None and os.environ.get("CI") != "true",
    reason="Graphviz's dot is not installed (apt-get install graphviz)",
)


def test_admin_reviews_a_course_and_its_roleplay_graphs(page, make_user) -> None:  # noqa: ANN001
    admin = make_user("admin")
    page.goto("/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/admin/courses")
    expect(page.get_by_role("heading", name="Courses", exact=True)).to_be_visible()
    assert_accessible(page, "admin-courses-360")
    page.get_by_role("link", name="Prevention and mediation agent", exact=False).first.click()
    expect(page.get_by_role("heading", name="What the checker finds")).to_be_visible()
    graphs = page.get_by_role("region", name="Graph of Noise at 23:00")
    expect(graphs).to_be_visible()
    expect(graphs.locator("svg")).to_have_count(1)
    expect(page.get_by_role("table", name="Endings of Noise at 23:00")).to_contain_text("Resolved")
    assert_accessible(page, "admin-course-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(graphs).to_be_visible()
    assert_accessible(page, "admin-course-1280")
