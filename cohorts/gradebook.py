"""The cohort's gradebook as CSV, for funders and spreadsheets.

UTF-8 with a BOM so spreadsheet programs read accents right; every cell that a spreadsheet
would take for a formula (starting with =, +, -, @, a tab or a carriage return) is neutralised
with a leading single quote (OWASP "CSV injection"). Figures are the progress service's, printed
by ``training.numbers`` in the trainer's language (``33,3`` in French), one decimal at most;
counts are separate columns rather than "7/26", which a spreadsheet would read as a date. Dates
are ISO 8601 in the organisation's time zone, named in the header (``training.dates.csv_datetime``):
every spreadsheet reads ``2026-12-01 17:37`` as a date it can sort, whatever its language.

The file is streamed: :func:`gradebook_chunks` yields the header, then ``ROWS_PER_CHUNK`` rows at
a time, encoded as they are written, so the response starts at once and no copy of the whole
file is ever held (the rows come from the dashboard's data, built once before the first byte).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import ngettext

from certificates.progress import GrantFact, Progress
from cohorts.dashboard import Dashboard
from proof.durations import hours_decimal
from proof.learning_time import realised_seconds_of_users
from training.dates import csv_date, csv_datetime, timezone_name
from training.numbers import format_number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 200


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _number(value: float | None) -> str:
    return "" if value is None else format_number(value)


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
    when = csv_date(grant.granted_at)
    return f"{when} {what} — {grant.reason} ({grant.granted_by})"


def gradebook_csv(dashboard: Dashboard) -> bytes:
    """The whole gradebook as one bytes object (the view streams :func:`gradebook_chunks`)."""
    return b"".join(gradebook_chunks(dashboard))


def gradebook_chunks(dashboard: Dashboard) -> Iterator[bytes]:
    """The gradebook CSV as UTF-8 chunks: the BOM and header first, then rows in batches."""
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
    header += [
        _("Block %(id)s: requirements met (of %(n)d)", id=b.block.id, n=b.tally.total)
        for b in (sample.by_block if sample is not None else ())
    ]
    header += [_("Quiz %(n)d (%%)", n=index) + f" {stem}" for stem, index in quizzes]
    header += [_("Role-play (best %)") + f" {s.slug}" for s in course.roleplays]
    header += [
        _("Second chances"),
        _("Needs an extra attempt"),
        _("Certificate code"),
        _("Certificate status"),
        _("Last activity (%(zone)s time)", zone=timezone_name()),
        _("At risk"),
        _("Measured learning time (hours)"),
    ]
    labels = {
        "valid": _("valid"),
        "not_issued": _("not issued yet"),
        "not_complete": _("not complete"),
        "yes": _("yes"),
        "no": _("no"),
    }
    # Measured on the server (proof.learning_time), never the declared course.yaml hours.
    measured = realised_seconds_of_users(course.slug, [row.user.id for row in dashboard.rows])
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    yield "\ufeff".encode() + _take(out)
    for number, row in enumerate(dashboard.rows, start=1):
        standing = row.standing
        cells: list[object] = [row.user.full_name, row.user.email, _number(row.progress)]
        if standing is not None:
            cells += [
                standing.met_count,
                standing.modules.count,
                standing.quizzes.count,
                standing.roleplays.count,
            ]
            cells += [b.tally.count for b in standing.by_block]
        cells += [_number(row.quiz_grades[stem].grade) for stem, _i in quizzes]
        cells += [_number(row.roleplay_best.get(s.slug)) for s in course.roleplays]
        grants = standing.grants if standing is not None else ()
        cells.append("; ".join(grant_text(g, standing) for g in grants) if standing else "")
        cells.append(labels["yes"] if row.needs_second_chance else labels["no"])
        if row.certificate is not None:
            cells += [row.certificate.code, labels["valid"]]
        elif row.complete:
            cells += ["", labels["not_issued"]]
        else:
            cells += ["", labels["not_complete"]]
        cells += [csv_datetime(row.last_activity), labels["yes"] if row.at_risk else labels["no"]]
        cells.append(_number(hours_decimal(measured.get(row.user.id, 0.0))))
        writer.writerow([neutralise(c) for c in cells])
        if number % ROWS_PER_CHUNK == 0:
            yield _take(out)
    rest = _take(out)
    if rest:
        yield rest


def _take(out: io.StringIO) -> bytes:
    """What was written to ``out`` since the last take, encoded; ``out`` is emptied."""
    data = out.getvalue().encode("utf-8")
    out.seek(0)
    out.truncate()
    return data
