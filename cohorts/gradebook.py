"""The cohort's gradebook as CSV, for funders and spreadsheets.

UTF-8 with a BOM so spreadsheet programs read accents right; every cell that a spreadsheet
would take for a formula (starting with =, +, -, @, a tab or a carriage return) is neutralised
with a leading single quote (OWASP "CSV injection"). Figures are the progress service's, printed
by ``training.numbers`` in the trainer's language (``33,3`` in French), one decimal at most;
counts are separate columns rather than "7/26", which a spreadsheet would read as a date. Dates
are ISO 8601 in the organisation's time zone, named in the header (``training.dates.csv_datetime``):
every spreadsheet reads ``2026-12-01 17:37`` as a date it can sort, whatever its language.

The file is streamed: :func:`gradebook_chunks` yields the header, then ``ROWS_PER_CHUNK`` rows at
a time, each batch built from the database (``cohorts.dashboard.batches``), written, encoded and
dropped before the next: the response starts at once, and neither the file nor the cohort's
rows are ever held whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import gettext as _
from flask_babel import ngettext

from certificates.progress import GrantFact, Progress
from certificates.progress_data import empty_progress
from cohorts import dashboard
from courses.catalogue import Course
from proof.durations import hours_decimal
from proof.learning_time import realised_seconds_of_users
from training.dates import csv_date, csv_datetime, timezone_name
from training.models import Cohort
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


def gradebook_csv(cohort: Cohort, course: Course) -> bytes:
    """The whole gradebook as one bytes object (the view streams :func:`gradebook_chunks`)."""
    return b"".join(gradebook_chunks(cohort, course))


def gradebook_chunks(cohort: Cohort, course: Course) -> Iterator[bytes]:
    """The gradebook CSV as UTF-8 chunks: the BOM and header first, then rows in batches."""
    quizzes = [(m.stem, m.index) for m, _q in course.quizzes()]
    totals = empty_progress(course)  # the requirements' totals are the course's, not a learner's
    header = [
        _("Name"),
        _("Email"),
        _("Progress (%)"),
        _("Requirements met (of %(n)d)", n=totals.total),
        _("Modules done (of %(n)d)", n=totals.modules.total),
        _("Quizzes passed (of %(n)d)", n=totals.quizzes.total),
        _("Role-plays passed (of %(n)d)", n=totals.roleplays.total),
    ]
    header += [
        _("Block %(id)s: requirements met (of %(n)d)", id=b.block.id, n=b.tally.total)
        for b in totals.by_block
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
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    yield "\ufeff".encode() + _take(out)
    for rows in dashboard.batches(cohort, course, ROWS_PER_CHUNK):
        # Measured on the server (proof.learning_time), never the declared course.yaml hours.
        measured = realised_seconds_of_users(course.slug, [row.user.id for row in rows])
        for row in rows:
            cells = _cells(row, course, quizzes, measured.get(row.user.id, 0.0), labels)
            writer.writerow([neutralise(c) for c in cells])
        yield _take(out)


def _cells(
    row: dashboard.LearnerRow,
    course: Course,
    quizzes: list[tuple[str, int]],
    measured_seconds: float,
    labels: dict[str, str],
) -> list[object]:
    """One learner's line, in the header's order."""
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
    cells.append(_number(hours_decimal(measured_seconds)))
    return cells


def _take(out: io.StringIO) -> bytes:
    """What was written to ``out`` since the last take, encoded; ``out`` is emptied."""
    data = out.getvalue().encode("utf-8")
    out.seek(0)
    out.truncate()
    return data
