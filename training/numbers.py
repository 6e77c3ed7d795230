"""Numbers for people: every score, percentage and count of points printed by Passerelle.

One formatter on Babel, so a figure reads the same on every page, in every CSV and on the
certificate box: at most one decimal (``4.08333`` → ``4.1``, ``10.0`` → ``10``), the locale's
decimal mark (``4,1`` in French) and the locale's percent pattern (``40.8%`` in English,
``40,8 %`` in French, with the no-break space CLDR prescribes). Never a float's tail.

Rounding is half up on the decimal value (``2.25`` → ``2.3``), as a reader rounds by hand.
Percentages are given as numbers from 0 to 100 (what the platform stores), not fractions.

In templates (registered by ``register_filters``)::

    {{ attempt.percent|percent }}               40,8 %
    {{ result.points|number }}                  4,1
    {{ result.points|points(result.max) }}      4,1 sur 10 points

The locale is Flask-Babel's for the request (the user's language); pass ``locale`` to format
for another audience, e.g. a certificate printed in the course's language.
"""

from __future__ import annotations

from copy import copy
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern
from flask import Flask, has_app_context
from flask_babel import get_locale, ngettext

Number = int | float | Decimal

EMPTY = "—"
"""What a missing figure prints as (``None``: no attempt yet, nothing to score)."""

_ONE_DECIMAL = Decimal("0.1")


def resolve_locale(locale: str | Locale | None) -> Locale:
    """``locale`` as a Babel Locale; by default the request's (Flask-Babel), else English."""
    if locale is not None:
        return locale if isinstance(locale, Locale) else Locale.parse(str(locale))
    if has_app_context():
        current = get_locale()
        if current is not None:
            return current
    return Locale.parse("en")


def rounded(value: Number) -> Decimal:
    """``value`` rounded half up to one decimal, with no trailing zero (``Decimal('4.1')``,
    ``Decimal('10')``). Raises ValueError for NaN or infinity."""
    try:
        exact = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not exact.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    number = exact.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number


@cache
def _patterns(locale_name: str) -> tuple[NumberPattern, NumberPattern]:
    """The locale's decimal and percent patterns with zero or one fraction digit."""
    locale = Locale.parse(locale_name)
    decimal = copy(parse_pattern(locale.decimal_formats[None].pattern))
    percent = copy(parse_pattern(locale.percent_formats[None].pattern))
    decimal.frac_prec = (0, 1)
    percent.frac_prec = (0, 1)
    return decimal, percent


def format_number(value: Number | None, locale: str | Locale | None = None) -> str:
    """``4.08333`` → ``4.1`` (``4,1`` in French); ``10.0`` → ``10``; None → ``—``."""
    if value is None:
        return EMPTY
    loc = resolve_locale(locale)
    decimal, _percent = _patterns(str(loc))
    return decimal.apply(rounded(value), loc)


def format_percent(value: Number | None, locale: str | Locale | None = None) -> str:
    """A percentage given from 0 to 100: ``40.8333`` → ``40.8%`` (``40,8 %`` in French)."""
    if value is None:
        return EMPTY
    loc = resolve_locale(locale)
    _decimal, percent = _patterns(str(loc))
    # Round the percentage itself, then hand Babel the exact fraction (no binary tail).
    return percent.apply(rounded(value) / 100, loc)


def format_points(
    points: Number | None, max_points: Number | None, locale: str | Locale | None = None
) -> str:
    """``4.1 of 10 points`` (``4,1 sur 10 points``): a score out of its maximum."""
    shown_max = rounded(max_points or 0)
    plural = int(shown_max) if shown_max == shown_max.to_integral_value() else 2
    return ngettext(
        "%(points)s of %(max)s point",
        "%(points)s of %(max)s points",
        plural,
        points=format_number(points or 0, locale),
        max=format_number(shown_max, locale),
    )


def register_filters(app: Flask) -> None:
    """The Jinja filters ``number``, ``percent`` and ``points`` (see the module docstring)."""
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(format_points, "points")
