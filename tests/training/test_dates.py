"""training.dates: one date style per language, in the organisation's time zone, and the
French typography of dialogue lines (training.typography)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import render_template_string
from flask_babel import force_locale

from training import dates
from training.typography import NARROW_NBSP, NBSP, french_spacing, quote, speaker

WINTER = datetime(2026, 12, 14, 16, 37)  # naive UTC: 17:37 in Paris (UTC+1)
SUMMER = datetime(2026, 7, 14, 16, 37)  # 18:37 in Paris (UTC+2)


@pytest.mark.parametrize(
    ("locale", "day", "moment", "clock"),
    [
        ("en", "14 December 2026", "14 December 2026, 17:37", "18:37"),
        ("fr", "14 décembre 2026", "14 décembre 2026, 17:37", "18:37"),
    ],
)
def test_one_style_per_language_in_paris_time(app, locale, day, moment, clock) -> None:
    with app.app_context():
        assert dates.format_date(WINTER, locale) == day
        assert dates.format_datetime(WINTER, locale) == moment
        assert dates.format_time(SUMMER, locale) == clock  # summer time is applied


def test_first_of_the_month_and_calendar_days(app) -> None:
    with app.app_context():
        assert dates.format_date(date(2026, 12, 1), "fr") == "1er décembre 2026"
        assert dates.format_date(date(2026, 12, 1), "en") == "1 December 2026"
        # A date is a calendar day: never shifted. A late-evening UTC moment is the next day
        # in Paris, and its date says so.
        assert dates.format_date(date(2026, 12, 31), "en") == "31 December 2026"
        assert dates.format_date(datetime(2026, 12, 31, 23, 30), "en") == "1 January 2027"
        assert dates.format_date(None) == dates.format_datetime(None) == dates.format_time(None)
        assert dates.format_date(None) == ""


def test_the_time_zone_comes_from_the_configuration(make_app_with) -> None:
    app = make_app_with(BABEL_DEFAULT_TIMEZONE="America/New_York")
    with app.app_context():
        assert dates.format_time(WINTER, "en") == "11:37"
        assert dates.timezone_name() == "America/New_York"


def test_an_unknown_time_zone_is_a_clear_startup_error(make_app_with) -> None:
    with pytest.raises(ValueError, match="TIMEZONE='Mars/Olympus' is not a known time zone"):
        make_app_with(BABEL_DEFAULT_TIMEZONE="Mars/Olympus")


def test_csv_dates_are_iso_8601_in_local_time(app) -> None:
    with app.app_context():
        assert dates.csv_datetime(WINTER) == "2026-12-14 17:37"
        assert dates.csv_date(datetime(2026, 12, 31, 23, 30)) == "2027-01-01"
        assert dates.csv_date(date(2026, 12, 1)) == "2026-12-01"
        assert dates.csv_datetime(None) == dates.csv_date(None) == ""


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_every_filter_name_prints_the_same_style(app, locale) -> None:
    """The filters, and the older names kept for templates written before them."""
    source = (
        "{{ d|date }}|{{ d|cohort_date }}|{{ d|dateformat('short') }}|"
        "{{ m|datetime }}|{{ m|cohort_datetime }}|{{ m|datetime_short }}|"
        "{{ m|datetimeformat('M/d/yy') }}|{{ m|time }}"
    )
    with app.test_request_context(), force_locale(locale):
        parts = render_template_string(source, d=WINTER.date(), m=WINTER).split("|")
    day = dates.format_date(WINTER.date(), locale)
    moment = dates.format_datetime(WINTER, locale)
    assert parts == [day, day, day, moment, moment, moment, moment, "17:37"]
    assert "/" not in "".join(parts) and "UTC" not in "".join(parts)


def test_french_dialogue_typography() -> None:
    line = "Trois mois ! Vous comprenez ?"
    assert quote(line, "fr") == (
        f"«{NARROW_NBSP}Trois mois{NARROW_NBSP}! Vous comprenez{NARROW_NBSP}?{NARROW_NBSP}»"
    )
    assert quote("Enfin…", "fr") == f"«{NARROW_NBSP}Enfin…{NARROW_NBSP}»"
    assert speaker("Mme Diallo", "fr") == f"Mme Diallo{NBSP}:"
    assert french_spacing("Il est 15:30, voilà : rien ; bref?!") == (
        f"Il est 15:30, voilà{NBSP}: rien{NARROW_NBSP}; bref{NARROW_NBSP}?!"
    )
    assert french_spacing("« déjà »") == f"«{NARROW_NBSP}déjà{NARROW_NBSP}»"  # idempotent spacing
    assert quote("Finally!", "en") == "\u201cFinally!\u201d"
    assert speaker("Mrs Diallo", "en") == "Mrs Diallo:"


@pytest.fixture
def make_app_with(database_url, tmp_path):
    from tests.conftest import make_app

    def factory(**overrides: object):
        return make_app(database_url, tmp_path, **overrides)

    return factory
