"""The cohort's gradebook as CSV, for funders and spreadsheets.

UTF-8 with a BOM so spreadsheet programs read accents right; every cell that a spreadsheet
would take for a formula (starting with =, +, -, @, a tab or a carriage return) is neutralised
with a leading single quote (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask_babel import gettext as _

from cohorts.dashboard import Dashboard

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _percent(value: float | None) -> str:
    return "" if value is None else f"{round(value, 1):g}"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def gradebook_csv(dashboard: Dashboard) -> bytes:
    course = dashboard.course
    quizzes = [(m.stem, m.index) for m, _q in course.quizzes()]
    header = [_("Name"), _("Email"), _("Progress (%)")]
    header += [_("Quiz %(n)d (%%)", n=index) + f" {stem}" for stem, index in quizzes]
    header += [_("Role-play (best %)") + f" {s.slug}" for s in course.roleplays]
    header += [
        _("Certificate code"),
        _("Certificate status"),
        _("Last activity (UTC)"),
        _("At risk"),
    ]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in dashboard.rows:
        cells: list[object] = [row.user.full_name, row.user.email, _percent(row.progress)]
        cells += [_percent(row.quiz_grades[stem].grade) for stem, _i in quizzes]
        cells += [_percent(row.roleplay_best.get(s.slug)) for s in course.roleplays]
        if row.certificate is not None:
            cells += [row.certificate.code, _("valid")]
        elif row.complete:
            cells += ["", _("not issued yet")]
        else:
            cells += ["", _("not complete")]
        cells += [_when(row.last_activity), _("yes") if row.at_risk else _("no")]
        writer.writerow([neutralise(c) for c in cells])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
