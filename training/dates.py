"""Dates and times for people: the one style every page, mail, CSV and PDF uses.

One table of Babel patterns per language, so a date reads the same everywhere:

=========  =========================  =========================
language   date                       date and time
=========  =========================  =========================
en         1 December 2026            1 December 2026, 17:37
fr         1er décembre 2026          1er décembre 2026, 17:37
=========  =========================  =========================

The month is written out (no ``12/1/26`` that reads as 12 January in France), the English
edition writes the day first like its course text and certificate, and both use the 24-hour
clock of the organisation. French writes the first of the month ``1er`` (the typographic rule).

Times are stored as naive UTC (``training.timeutil``) and shown in the organisation's time
zone (``BABEL_DEFAULT_TIMEZONE``, from ``TIMEZONE``; Europe/Paris by default), so no text says
"UTC". A ``date`` is a calendar day and is never shifted.

CSV files meant for spreadsheets use :func:`csv_date` / :func:`csv_datetime`: ISO 8601
(``2026-12-01``, ``2026-12-01 17:37``) in the same time zone, in both languages, because every
spreadsheet reads that as a date it can sort and filter, whatever its locale; a written-out
month would be text.

In templates (registered by :func:`register_filters`)::

    {{ certificate.issued_at|date }}        1 December 2026
    {{ reply.updated_at|datetime }}         1 December 2026, 17:37
    {{ attempt.saved_at|time }}             17:37

A missing value (``None``) prints as an empty string. Pass ``locale`` to write for another
audience, e.g. a certificate printed in its course's language.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from babel import Locale
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_timezone
from flask import Flask, current_app, has_app_context
from flask_babel import get_timezone as babel_user_timezone

from training.numbers import resolve_locale

DEFAULT_TIMEZONE = "Europe/Paris"

#: The patterns, per language (CLDR syntax). ``first`` replaces ``date`` on the 1st of a month.
PATTERNS: dict[str, dict[str, str]] = {
    "en": {"date": "d MMMM y", "time": "HH:mm"},
    "fr": {"date": "d MMMM y", "first": "d'er' MMMM y", "time": "HH:mm"},
}


def _patterns(loc: Locale) -> dict[str, str]:
    return PATTERNS.get(loc.language, PATTERNS["en"])


def timezone() -> tzinfo:
    """The organisation's time zone (the app's ``BABEL_DEFAULT_TIMEZONE``)."""
    if has_app_context():
        return babel_user_timezone()
    return get_timezone(DEFAULT_TIMEZONE)


def local(moment: datetime) -> datetime:
    """``moment`` (naive means UTC) in the organisation's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(timezone())


def _day(value: date | datetime) -> date:
    return local(value).date() if isinstance(value, datetime) else value


def _date_pattern(day: date, loc: Locale) -> str:
    patterns = _patterns(loc)
    return patterns.get("first", patterns["date"]) if day.day == 1 else patterns["date"]


def format_date(value: date | datetime | None, locale: str | Locale | None = None) -> str:
    """``1 December 2026`` / ``1er décembre 2026``; a datetime is first put in local time."""
    if value is None:
        return ""
    loc = resolve_locale(locale)
    day = _day(value)
    return babel_format_datetime(
        datetime(day.year, day.month, day.day), _date_pattern(day, loc), locale=loc
    )


def format_time(value: datetime | None, locale: str | Locale | None = None) -> str:
    """``17:37``: the local time of a stored (UTC) moment."""
    if value is None:
        return ""
    loc = resolve_locale(locale)
    return babel_format_datetime(local(value), _patterns(loc)["time"], locale=loc)


def format_datetime(value: datetime | None, locale: str | Locale | None = None) -> str:
    """``1 December 2026, 17:37``, joined by the locale's own date-time pattern."""
    if value is None:
        return ""
    loc = resolve_locale(locale)
    joined = str(loc.datetime_formats["long"])
    return joined.replace("{1}", format_date(value, loc)).replace("{0}", format_time(value, loc))


def csv_date(value: date | datetime | None) -> str:
    """``2026-12-01`` (ISO 8601, local day) for spreadsheet columns; None → ``""``."""
    return "" if value is None else _day(value).isoformat()


def csv_datetime(value: datetime | None) -> str:
    """``2026-12-01 17:37`` (ISO 8601, local time, minutes) for spreadsheet columns."""
    return "" if value is None else local(value).strftime("%Y-%m-%d %H:%M")


def timezone_name() -> str:
    """The zone's name for a column header, e.g. ``Europe/Paris``."""
    if has_app_context():
        return str(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE)
    return DEFAULT_TIMEZONE


def register_filters(app: Flask) -> None:
    """The Jinja filters ``date``, ``datetime`` and ``time``.

    The older names (``cohort_date``, ``cohort_datetime``, ``datetime_short`` and Flask-Babel's
    ``dateformat`` / ``datetimeformat``) print the same style, so no template can bring back
    a second one; their format arguments are ignored.
    """
    zone = app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE
    try:
        get_timezone(zone)
    except LookupError as exc:
        raise ValueError(f"TIMEZONE={zone!r} is not a known time zone (e.g. Europe/Paris)") from exc
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_time, "time")
    for name in ("cohort_date", "dateformat"):
        app.jinja_env.filters[name] = _ignoring_format(format_date)
    for name in ("cohort_datetime", "datetime_short", "datetimeformat"):
        app.jinja_env.filters[name] = _ignoring_format(format_datetime)


def _ignoring_format(function):  # type: ignore[no-untyped-def]
    def filter_(value, *_format, **_options):  # type: ignore[no-untyped-def]
        return function(value)

    filter_.__name__ = function.__name__
    return filter_
