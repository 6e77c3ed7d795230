"""Inactive learner accounts: a warning mail, then erasure (docs/data-retention.md).

An account's *last activity* is the latest of its creation, its last login, its last recorded
learning request (``proof.models.LearningEvent``) and the last request of any of its sign-in
sessions. A learner inactive for ``DATA_RETENTION_INACTIVE_DAYS`` minus
``DATA_RETENTION_INACTIVE_WARNING_DAYS`` is warned once by mail (an
:class:`~privacy.retention_models.InactivityWarning` row); once the full period has passed *and*
the warning is at least the warning period old, with no activity since, the account is erased
by ``privacy.erasure.erase_user`` (reason ``inactivity``, certificates kept verifiable). Any
activity after the warning voids it.

Only learners: trainer and admin accounts are listed for review (:func:`inactive_staff`) but
never erased by a timer, since their cohorts and audit history depend on them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, or_, select

from privacy.retention_models import InactivityWarning
from proof.models import LearningEvent
from training.dates import format_date
from training.extensions import db
from training.links import external_url
from training.mail import send_mail
from training.models import Role, User
from training.session_models import UserSession

log = logging.getLogger("passerelle.retention")
ERASE_REASON = "inactivity"


@dataclass(frozen=True)
class Inactive:
    """One account past a threshold: who, and since when nothing happened."""

    user_id: int
    email: str
    role: str
    last_activity: datetime
    warned_at: datetime | None

    def describe(self) -> str:
        text = f"user {self.user_id} <{self.email}> ({self.role})"
        text += f", last active {self.last_activity:%Y-%m-%d}"
        if self.warned_at is not None:
            text += f", warned {self.warned_at:%Y-%m-%d}"
        return text


def inactive_days() -> int:
    return int(current_app.config["DATA_RETENTION_INACTIVE_DAYS"])


def warning_days() -> int:
    return int(current_app.config["DATA_RETENTION_INACTIVE_WARNING_DAYS"])


def _greatest(*columns: Any) -> ColumnElement[Any]:
    """The latest of ``columns`` (none of them NULL): GREATEST on PostgreSQL, MAX on SQLite."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.max(*columns)
    return func.greatest(*columns)


def _accounts(last_before: datetime, *, staff: bool) -> Any:
    """Accounts whose last activity is before ``last_before``: (user, last, warned_at) rows."""
    events = (
        select(LearningEvent.user_id, func.max(LearningEvent.at).label("at"))
        .group_by(LearningEvent.user_id)
        .subquery()
    )
    sessions = (
        select(UserSession.user_id, func.max(UserSession.last_seen_at).label("at"))
        .group_by(UserSession.user_id)
        .subquery()
    )
    created = User.created_at
    last = _greatest(
        created,
        func.coalesce(User.last_login_at, created),
        func.coalesce(events.c.at, created),
        func.coalesce(sessions.c.at, created),
    ).label("last_activity")
    roles = (Role.TRAINER.value, Role.ADMIN.value) if staff else (Role.LEARNER.value,)
    inner = (
        select(User.id, User.email, User.role, last, InactivityWarning.warned_at)
        .outerjoin(events, events.c.user_id == User.id)
        .outerjoin(sessions, sessions.c.user_id == User.id)
        .outerjoin(InactivityWarning, InactivityWarning.user_id == User.id)
        .where(User.role.in_(roles), *_not_erased())
        .subquery()
    )
    return select(inner).where(inner.c.last_activity < last_before).order_by(inner.c.id)


def _not_erased() -> list[ColumnElement[bool]]:
    """Accounts already erased (or being erased) are not this module's business."""
    from privacy.erasure_models import OPEN, ErasureRequest
    from privacy.erasure_rules import ERASED_DOMAIN

    being_erased = select(ErasureRequest.user_id).where(ErasureRequest.status.in_(OPEN))
    return [User.email.not_like(f"%@{ERASED_DOMAIN}"), User.id.not_in(being_erased)]


def _rows(statement: Any) -> list[Inactive]:
    return [
        Inactive(row.id, row.email, row.role, row.last_activity, row.warned_at)
        for row in db.session.execute(statement)
    ]


def to_warn(now: datetime) -> list[Inactive]:
    """Learners entering the warning period who hold no live warning."""
    threshold = now - timedelta(days=max(inactive_days() - warning_days(), 0))
    statement = _accounts(threshold, staff=False)
    inner = statement.selected_columns
    statement = statement.where(
        or_(inner.warned_at.is_(None), inner.warned_at < inner.last_activity)
    )
    return _rows(statement)


def to_erase(now: datetime) -> list[Inactive]:
    """Learners past the full period, warned at least the warning period ago, idle since."""
    statement = _accounts(now - timedelta(days=inactive_days()), staff=False)
    inner = statement.selected_columns
    statement = statement.where(
        inner.warned_at.is_not(None),
        inner.warned_at >= inner.last_activity,
        inner.warned_at <= now - timedelta(days=warning_days()),
    )
    return _rows(statement)


def inactive_staff(now: datetime) -> list[Inactive]:
    """Trainers and admins past the full period: reported for an admin's review only."""
    return _rows(_accounts(now - timedelta(days=inactive_days()), staff=True))


def erase_on(account: Inactive, warned_at: datetime) -> datetime:
    """The earliest moment the account may be erased after a warning sent at ``warned_at``."""
    return max(
        account.last_activity + timedelta(days=inactive_days()),
        warned_at + timedelta(days=warning_days()),
    )


def warn(accounts: list[Inactive], now: datetime) -> int:
    """Record the warning and queue the mail, one account after the other; returns how many."""
    sent = 0
    for account in accounts:
        user = db.session.get(User, account.user_id)
        if user is None:
            continue
        row = db.session.get(InactivityWarning, user.id)
        if row is None:
            row = InactivityWarning(user_id=user.id)
            db.session.add(row)
        row.warned_at = now
        row.last_activity_at = account.last_activity
        with force_locale(user.language):
            subject, body = _warning_mail(user, account, erase_on(account, now))
            # send_mail commits the warning row together with the queued message.
            send_mail(
                user, subject, body, kind="retention", key=f"retention:{user.id}:{now:%Y%m%d}"
            )
        sent += 1
        log.info("Warned %s: inactive since %s", user.email, account.last_activity.date())
    db.session.commit()
    return sent


def _warning_mail(user: User, account: Inactive, erase_at: datetime) -> tuple[str, str]:
    subject = _("Your account will be deleted on %(date)s", date=format_date(erase_at))
    body = _(
        "Hello %(name)s,\n\nYou have not used your %(site)s account since %(last)s. Accounts "
        "without activity for %(days)s days are deleted, and yours will be deleted on "
        "%(date)s.\n\nTo keep it, simply log in before that date:\n%(url)s\n\nIf you let it "
        "go, your certificates stay verifiable; everything else is erased.",
        name=user.display_name,
        site=current_app.config["ORGANISATION_NAME"],
        last=format_date(account.last_activity),
        days=inactive_days(),
        date=format_date(erase_at),
        url=external_url("auth.login"),
    )
    return subject, body


def erase(accounts: list[Inactive], now: datetime) -> int:
    """Erase each account through the erasure service (certificates kept verifiable)."""
    if not accounts:
        return 0
    from privacy.erasure import erase_user

    done = 0
    for account in accounts:
        erase_user(account.user_id, actor_id=None, reason=ERASE_REASON, keep_certificates=True)
        done += 1
        log.info(
            "Erased inactive account %s (last active %s)", account.user_id, account.last_activity
        )
    return done
