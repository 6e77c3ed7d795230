"""The admin's quality page (indicators per cohort and across cohorts, with their definitions)
and the yearly BPF summary, each with its CSV. Admins only."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from quality import bpf, export, indicators
from surveys import services as surveys
from training.access import admin_required
from training.timeutil import utcnow

bp = Blueprint("quality", __name__, url_prefix="/admin/quality")


def _days() -> int:
    return indicators.dropout_days(request.args.get("inactive_days", type=int))


def _table(days: int) -> tuple[list[indicators.Indicators], indicators.Indicators]:
    from flask_babel import gettext as _

    cohorts = indicators.all_cohorts()
    now = utcnow()
    rows = [r for c in cohorts if (r := indicators.of_cohort(c, days, now)) is not None]
    return rows, indicators.across(rows, cohorts, _("All cohorts"))


def _download(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("")
@admin_required
def index() -> str:
    days = _days()
    rows, total = _table(days)
    return render_template(
        "quality/index.html",
        rows=rows,
        total=total,
        days=days,
        definitions=indicators.DEFINITIONS,
        threshold=surveys.min_responses(),
    )


@bp.get("/indicators.csv")
@admin_required
def indicators_csv() -> Response:
    days = _days()
    rows, total = _table(days)
    return _download(export.indicators_csv(rows, total, days), "quality-indicators.csv")


def _year() -> int:
    year = request.args.get("year", type=int)
    this_year = utcnow().year
    return year if year is not None and 2000 <= year <= this_year else this_year


@bp.get("/bpf")
@admin_required
def bpf_summary() -> str:
    year = _year()
    years = sorted(set(bpf.years_with_activity()) | {utcnow().year, year}, reverse=True)
    return render_template(
        "quality/bpf.html", year=year, years=years, rows=bpf.yearly_summary(year)
    )


@bp.get("/bpf.csv")
@admin_required
def bpf_csv() -> Response:
    year = _year()
    return _download(export.bpf_csv(year, bpf.yearly_summary(year)), f"bpf-{year}.csv")
