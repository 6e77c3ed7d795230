"""The Nu Html Checker that the browser journeys run is really there and really finds errors."""

from __future__ import annotations

import os

import pytest

from tests.support import html_check

VALID = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
    "<body><p>One</p></body></html>"
)


@pytest.fixture(autouse=True)
def _needs_the_checker() -> None:
    reason = html_check.missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the Nu Html Checker is required under CI=true: {reason}")
        pytest.skip(reason)


def test_valid_page_has_no_error() -> None:
    assert html_check.check_documents({"/ok": VALID}) == []


def test_errors_are_named_by_page_and_line() -> None:
    broken = VALID.replace(
        "<p>One</p>", '<p>One\n<p><label>A <p>b</p></label><input id="x"><input id="x"></p>'
    )
    errors = html_check.check_documents({"/ok": VALID, "/broken": broken})
    assert {e.page for e in errors} == {"/broken"}
    messages = " | ".join(e.message for e in errors)
    assert "Duplicate ID" in messages
    assert all(e.line >= 1 for e in errors)
