"""Numbers for people (training.numbers): at most one decimal, the locale's decimal mark and
percent pattern, "4.1 of 10 points", never a float's tail; the same through the Jinja filters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import render_template_string
from flask_babel import force_locale

from training.numbers import format_number, format_percent, format_points, rounded


@pytest.mark.parametrize(
    ("value", "en", "fr"),
    [
        (40.8333, "40.8%", "40,8\u00a0%"),
        (100, "100%", "100\u00a0%"),
        (0, "0%", "0\u00a0%"),
        (33.33333333, "33.3%", "33,3\u00a0%"),
        (2.25, "2.3%", "2,3\u00a0%"),  # half up, as a reader rounds
        (99.96, "100%", "100\u00a0%"),
        (None, "—", "—"),
    ],
)
def test_percent(value, en, fr):
    assert format_percent(value, "en") == en
    assert format_percent(value, "fr") == fr


@pytest.mark.parametrize(
    ("value", "en", "fr"),
    [
        (4.08333, "4.1", "4,1"),
        (10.0, "10", "10"),
        (0.333333, "0.3", "0,3"),
        (0.1 + 0.2, "0.3", "0,3"),
        (1234.56, "1,234.6", "1\u202f234,6"),
        (-2.5, "-2.5", "-2,5"),
    ],
)
def test_number(value, en, fr):
    assert format_number(value, "en") == en
    assert format_number(value, "fr") == fr


def test_rounded_never_keeps_a_float_tail():
    assert rounded(40.8 / 100 * 100) == Decimal("40.8")
    assert str(rounded(4.0)) == "4"
    with pytest.raises(ValueError):
        rounded(float("nan"))


def test_points_and_filters_follow_the_request_language(app):
    with app.test_request_context():
        with force_locale("en"):
            assert format_points(4.08333, 10) == "4.1 of 10 points"
            assert format_points(1, 1) == "1 of 1 point"
        with force_locale("fr"):
            assert format_points(4.08333, 10) == "4,1 sur 10 points"
            page = render_template_string(
                "{{ 40.8333|percent }} · {{ 0.333333|number }} · {{ 0.5|points(1) }}"
            )
            assert page == "40,8\u00a0% · 0,3 · 0,5 sur 1 point"
