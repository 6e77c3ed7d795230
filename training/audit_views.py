"""The audit log's admin page (issue 17): every recorded event, newest first, with filters
(action, who acted, whom it concerns, cohort, dates) and pages of 50. Read-only."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import render_template, request
from sqlalchemy import select

from training import audit
from training.access import admin_required
from training.accounts import find_user_by_email
from training.admin_views import bp
from training.audit_labels import action_label
from training.extensions import db
from training.models import Cohort, User

PAGE = 50


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "").strip())
    except ValueError:
        return None


def _user_filter(name: str) -> tuple[str, int | None, bool]:
    """(the email typed, its user id, whether it names nobody)."""
    typed = request.args.get(name, "").strip()
    if not typed:
        return "", None, False
    user = find_user_by_email(typed)
    return typed, (user.id if user else None), user is None


@bp.get("/audit")
@admin_required
def audit_log() -> str:
    codes = db.session.execute(select(audit.AuditEvent.action).distinct()).scalars()
    actions = sorted(codes, key=lambda code: action_label(code).casefold())
    action = request.args.get("action", "")
    action = action if action in actions else ""
    actor_email, actor_id, no_actor = _user_filter("actor")
    subject_email, subject_id, no_subject = _user_filter("learner")
    cohorts = list(db.session.execute(select(Cohort).order_by(Cohort.name)).scalars())
    cohort_id = request.args.get("cohort", type=int)
    since, until = _date("since"), _date("until")
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    events: list[audit.AuditEvent] = []
    if not (no_actor or no_subject):
        events = audit.events(
            action=action or None,
            actor_id=actor_id,
            subject_user_id=subject_id,
            cohort_id=cohort_id,
            since=datetime.combine(since, datetime.min.time()) if since else None,
            until=datetime.combine(until + timedelta(days=1), datetime.min.time())
            if until
            else None,
            limit=PAGE + 1,
            offset=(page - 1) * PAGE,
            newest_first=True,
        )
    more = len(events) > PAGE
    events = events[:PAGE]
    ids = {e.subject_user_id for e in events if e.subject_user_id}
    people = (
        {u.id: u for u in db.session.execute(select(User).where(User.id.in_(ids))).scalars()}
        if ids
        else {}
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "admin/audit.html",
        events=events,
        people=people,
        cohorts={c.id: c for c in cohorts},
        actions=actions,
        action=action,
        actor_email=actor_email,
        subject_email=subject_email,
        unknown=[e for e, bad in ((actor_email, no_actor), (subject_email, no_subject)) if bad],
        cohort_id=cohort_id,
        since=since,
        until=until,
        page=page,
        more=more,
        args=args,
    )
