"""The weekly digest for trainers (issue 17): per cohort, who is at risk, who completed the
course this week, which reflections await a reply and who is out of attempts. Monday 06:00
UTC, once per ISO week across workers; nothing is sent for a cohort with nothing to report."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from cohorts import dashboard
from cohorts.replies import awaiting_reply
from courses.loader import get_catalogue
from notifications import preferences
from notifications.notices import notify
from training import queue
from training.extensions import db
from training.links import external_url
from training.models import Cohort
from training.timeutil import utcnow


def cohort_digest(cohort: Cohort, course, now: datetime) -> dict[str, list[str]]:  # noqa: ANN001
    """The four lists of a cohort's digest, as learners' names (and what they concern)."""
    board = dashboard.build(cohort, course, now=now)
    week_ago = now - timedelta(days=7)
    at_risk = [row.user.full_name for row in board.rows if row.at_risk and not row.complete]
    completed = [
        row.user.full_name
        for row in board.rows
        if row.certificate is not None and row.certificate.issued_at >= week_ago
    ]
    out_of_attempts = []
    for row in board.rows:
        for kind, key in row.second_chances:
            item = row.standing.item(kind, key) if row.standing is not None else None
            out_of_attempts.append(f"{row.user.full_name} — {item.title if item else key}")
    titles = {scenario.slug: scenario.title for scenario in course.roleplays}
    awaiting = [
        f"{user.full_name} — {titles.get(run.scenario_slug, run.scenario_slug)}"
        for user, run in awaiting_reply(cohort)
    ]
    return {
        "at_risk": at_risk,
        "completed": completed,
        "awaiting_reply": awaiting,
        "out_of_attempts": out_of_attempts,
    }


def _section(title: str, names: list[str]) -> str:
    return title + "\n" + "\n".join(f"- {name}" for name in names)


def send_digests(now: datetime | None = None) -> int:
    """Queue this week's digest to every trainer of every active cohort; returns the count."""
    now = now or utcnow()
    year, week, _day = now.isocalendar()
    catalogue = get_catalogue().courses
    queued = 0
    cohorts = db.session.execute(select(Cohort).where(Cohort.archived_at.is_(None))).scalars()
    for cohort in list(cohorts):
        course = catalogue.get(cohort.course_slug)
        if course is None or not cohort.trainers:
            continue
        lists = cohort_digest(cohort, course, now)
        if not any(lists.values()):
            continue
        url = external_url("cohorts.dashboard", cohort_id=cohort.id)
        for trainer in cohort.trainers:

            def build(trainer=trainer, lists=lists, cohort=cohort, url=url) -> tuple[str, str]:  # noqa: ANN001
                headings = {
                    "at_risk": _("At risk"),
                    "completed": _("Completed this week"),
                    "awaiting_reply": _("Reflections awaiting your reply"),
                    "out_of_attempts": _("Out of attempts (a second chance is needed)"),
                }
                parts = [_section(headings[name], names) for name, names in lists.items() if names]
                body = (
                    _("Hello %(name)s,\n\nThis week in “%(cohort)s”:", name=trainer.display_name,
                      cohort=cohort.name)
                    + "\n\n" + "\n\n".join(parts) + "\n\n"
                    + _("Open the group's dashboard:\n%(url)s", url=url)
                )  # fmt: skip
                return _("Weekly digest: %(cohort)s", cohort=cohort.name), body

            key = f"digest:{trainer.id}:{cohort.id}:{year}-W{week:02d}"
            if notify(trainer, preferences.DIGEST, key, build) is not None:
                queued += 1
    return queued


@queue.periodic("digest.weekly", minute="0", hour="6", day_of_week="1")
def weekly(now: datetime | None = None) -> int:
    now = now or utcnow()
    year, week, _day = now.isocalendar()
    if not queue.claim_period("digest.weekly", f"{year}-W{week:02d}"):
        return 0
    return send_digests(now)
