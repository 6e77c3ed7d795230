"""The cohort's gradebook as CSV, for funders and spreadsheets.

UTF-8 with a BOM so spreadsheet programs read accents right; every cell that a spreadsheet
would take for a formula (starting with =, +, -, @, a tab or a carriage return) is neutralised
with a leading single quote (OWASP "CSV injection"). Figures are the progress service's, printed
by ``training.numbers`` in the trainer's language (``33,3`` in French), one decimal at most;
counts are separate columns rather than "7/26", which a spreadsheet would read as a date.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from certificates.progress import GrantFact, Progress
from cohorts.dashboard import Dashboard
from training.numbers import format_number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _number(value: float | None) -> str:
    return "" if value is None else format_number(value)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def grant_text(grant: GrantFact, progress: Progress) -> str:
    """One second chance, in a line: when, what, for which requirement, why, by whom."""
    item = progress.item(grant.target, grant.key)
    name = item.title if item is not None else grant.key
    if grant.kind == "extra_attempts":
        what = ngettext(
            "%(num)d extra attempt at the quiz %(name)s",
            "%(num)d extra attempts at the quiz %(name)s",
            grant.amount,
            name=name,
        )
    elif grant.kind == "reopen_roleplay":
        what = _("role-play %(name)s reopened", name=name)
    else:
        what = _("%(name)s excused", name=name)
    when = grant.granted_at.strftime("%Y-%m-%d") if grant.granted_at else ""
    return f"{when} {what} — {grant.reason} ({grant.granted_by})"


def gradebook_csv(dashboard: Dashboard) -> bytes:
    course = dashboard.course
    quizzes = [(m.stem, m.index) for m, _q in course.quizzes()]
    sample = dashboard.rows[0].standing if dashboard.rows else None
    header = [_("Name"), _("Email"), _("Progress (%)")]
    if sample is not None:
        header += [
            _("Requirements met (of %(n)d)", n=sample.total),
            _("Modules done (of %(n)d)", n=sample.modules.total),
            _("Quizzes passed (of %(n)d)", n=sample.quizzes.total),
            _("Role-plays passed (of %(n)d)", n=sample.roleplays.total),
        ]
    header += [_("Quiz %(n)d (%%)", n=index) + f" {stem}" for stem, index in quizzes]
    header += [_("Role-play (best %)") + f" {s.slug}" for s in course.roleplays]
    header += [
        _("Second chances"),
        _("Needs an extra attempt"),
        _("Certificate code"),
        _("Certificate status"),
        _("Last activity (UTC)"),
        _("At risk"),
    ]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in dashboard.rows:
        standing = row.standing
        cells: list[object] = [row.user.full_name, row.user.email, _number(row.progress)]
        if standing is not None:
            cells += [
                standing.met_count,
                standing.modules.count,
                standing.quizzes.count,
                standing.roleplays.count,
            ]
        cells += [_number(row.quiz_grades[stem].grade) for stem, _i in quizzes]
        cells += [_number(row.roleplay_best.get(s.slug)) for s in course.roleplays]
        grants = standing.grants if standing is not None else ()
        cells.append("; ".join(grant_text(g, standing) for g in grants) if standing else "")
        cells.append(_("yes") if row.needs_second_chance else _("no"))
        if row.certificate is not None:
            cells += [row.certificate.code, _("valid")]
        elif row.complete:
            cells += ["", _("not issued yet")]
        else:
            cells += ["", _("not complete")]
        cells += [_when(row.last_activity), _("yes") if row.at_risk else _("no")]
        writer.writerow([neutralise(c) for c in cells])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
