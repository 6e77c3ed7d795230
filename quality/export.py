"""CSV exports of the quality indicators and of the yearly BPF summary.

Same conventions as the gradebook (``cohorts.gradebook``): UTF-8 with a BOM, cells a
spreadsheet would read as a formula neutralised, numbers in the viewer's language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask_babel import gettext as _

from cohorts.gradebook import neutralise
from quality.bpf import YearRow
from quality.indicators import Indicators
from training.numbers import format_number


def _number(value: float | None) -> str:
    return "" if value is None else format_number(value)


def _csv(header: list[str], rows: Iterable[list[object]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def indicators_csv(rows: list[Indicators], total: Indicators, days: int) -> bytes:
    header = [
        _("Cohort"),
        _("Course"),
        _("Enrolled"),
        _("Started"),
        _("Completed"),
        _("Dropped out (no activity for %(days)d days)", days=days),
        _("Success rate (%%)"),
        _("Mean realised hours (measured)"),
        _("Survey answers"),
        _("Satisfaction (1 to 5)"),
    ]
    return _csv(
        header,
        (
            [
                r.label,
                r.course_slug or "",
                r.enrolled,
                r.started,
                r.completed,
                r.dropped_out,
                _number(r.success_rate),
                _number(r.mean_hours),
                r.responses,
                _number(r.satisfaction),
            ]
            for r in [*rows, total]
        ),
    )


def bpf_csv(year: int, rows: list[YearRow]) -> bytes:
    header = [
        _("Year"),
        _("Course"),
        _("Course title"),
        _("Learners trained"),
        _("Learners who completed"),
        _("Realised hours (measured)"),
        _("Declared duration of the course (hours)"),
    ]
    return _csv(
        header,
        (
            [
                year,
                r.course_slug,
                r.course_title,
                r.learners,
                r.completed,
                _number(r.realised_hours),
                _number(r.declared_hours),
            ]
            for r in rows
        ),
    )
