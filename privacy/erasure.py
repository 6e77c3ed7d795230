"""Erasing an account (issue 21): asked with the password, confirmed by a mail link, carried out
after a grace period unless cancelled; or run at once by an admin, with a reason.

- :func:`request_erasure` checks the password, stores a ``pending`` request with the holder's
  choice for their certificates and mails a one-time link (``ERASURE_LINK_HOURS``);
- :func:`confirm_erasure` spends the link: the request is ``scheduled`` for
  ``ERASURE_GRACE_DAYS`` later (a mail gives the date);
- :func:`cancel_erasure` ends an open request (the holder, logged in, until the date);
- :func:`erase_user` does the erasure itself (``privacy.erasure_steps``; the rules per table are
  in ``privacy.erasure_rules``) and returns a report; the periodic task
  (``privacy.erasure_tasks``) calls :func:`run_due`, retention calls :func:`erase_user` too.

Every step is in the audit log (``account.erasure_*``); the reason an admin gives is kept there.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, exists, func, select, update

from privacy import erasure_steps
from privacy.erasure_models import CANCELLED, DONE, OPEN, PENDING, SCHEDULED, ErasureRequest
from privacy.erasure_rules import ERASED_DOMAIN
from proof.models import LearningEvent
from training import audit
from training.extensions import db
from training.links import external_url, hash_token
from training.mail import send_mail
from training.models import User
from training.passwords import verify_password
from training.timeutil import utcnow

REASON_MAX = 500


class ErasureError(ValueError):
    """A request that cannot go on; the message is safe to show."""


@dataclass
class ErasureReport:
    """What :func:`erase_user` did."""

    user_id: int
    placeholder_email: str
    certificates_kept: list[str] = field(default_factory=list)
    certificates_revoked: list[str] = field(default_factory=list)
    attestations_kept: list[str] = field(default_factory=list)
    attestations_revoked: list[str] = field(default_factory=list)
    deleted: dict[str, int] = field(default_factory=dict)
    scrubbed: dict[str, int] = field(default_factory=dict)
    funder_keep_until: date | None = None


def is_erased(user: User) -> bool:
    return user.email.endswith("@" + ERASED_DOMAIN)


def open_request(user_id: int) -> ErasureRequest | None:
    return db.session.execute(
        select(ErasureRequest).where(
            ErasureRequest.user_id == user_id, ErasureRequest.status.in_(OPEN)
        )
    ).scalar_one_or_none()


def scheduled_request(user_id: int) -> ErasureRequest | None:
    request = open_request(user_id)
    return request if request is not None and request.status == SCHEDULED else None


def scheduled_clause(user_id: Any) -> Any:
    """SQL: whether the user of ``user_id`` (a column or a parameter) has a scheduled erasure."""
    requests = ErasureRequest.__table__
    return exists().where(requests.c.user_id == user_id, requests.c.status == SCHEDULED)


@cache
def _scheduled_statement() -> Select[Any]:
    return select(scheduled_clause(bindparam("user_id")))


def has_scheduled_request(user_id: int) -> bool:
    """Whether :func:`scheduled_request` would find one (a cheap query, no ORM object: every
    page of a signed-in user asks, for the banner)."""
    return bool(db.session.execute(_scheduled_statement(), {"user_id": user_id}).scalar())


def _grace() -> timedelta:
    return timedelta(days=int(current_app.config["ERASURE_GRACE_DAYS"]))


def request_erasure(
    user: User, password: str, *, keep_certificates: bool, now: datetime | None = None
) -> ErasureRequest:
    """Check the password, store a pending request (replacing an open one) and mail the link."""
    if is_erased(user):
        raise ErasureError(_("This account is already erased."))
    if not verify_password(user.password_hash, password or ""):
        raise ErasureError(_("Your password is not correct."))
    now = now or utcnow()
    previous = open_request(user.id)
    if previous is not None:
        previous.status, previous.cancelled_at, previous.token_hash = CANCELLED, now, None
        db.session.flush()
    token = secrets.token_urlsafe(32)
    request = ErasureRequest(
        user_id=user.id,
        status=PENDING,
        keep_certificates=keep_certificates,
        requested_at=now,
        token_hash=hash_token(token),
        token_expires_at=now + timedelta(hours=int(current_app.config["ERASURE_LINK_HOURS"])),
        requested_by="holder",
    )
    db.session.add(request)
    audit.record(
        "account.erasure_request", actor=user, subject_user_id=user.id,
        keep_certificates=keep_certificates,
    )  # fmt: skip
    db.session.commit()
    url = external_url("erasure.confirm", token=token)
    with force_locale(user.language):
        send_mail(
            user,
            _("Confirm the deletion of your Passerelle account"),
            ngettext(
                "Hello %(name)s,\n\nYou asked to delete your Passerelle account. To confirm, "
                "open this link (valid %(hours)d hours, once):\n%(url)s\n\nYour account will "
                "then be erased %(num)d day later; until then you can log in and cancel.\n\n"
                "If you did not ask for this, ignore this mail and change your password.",
                "Hello %(name)s,\n\nYou asked to delete your Passerelle account. To confirm, "
                "open this link (valid %(hours)d hours, once):\n%(url)s\n\nYour account will "
                "then be erased %(num)d days later; until then you can log in and cancel.\n\n"
                "If you did not ask for this, ignore this mail and change your password.",
                int(current_app.config["ERASURE_GRACE_DAYS"]),
                name=user.display_name,
                hours=int(current_app.config["ERASURE_LINK_HOURS"]),
                url=url,
            ),
            kind="erasure",
        )
    return request


def find_pending(token: str, now: datetime | None = None) -> ErasureRequest | None:
    """The pending request of an unexpired link, else None."""
    if not token or len(token) > 200:
        return None
    request = db.session.execute(
        select(ErasureRequest).where(ErasureRequest.token_hash == hash_token(token))
    ).scalar_one_or_none()
    now = now or utcnow()
    if request is None or request.status != PENDING:
        return None
    if request.token_expires_at is None or request.token_expires_at < now:
        return None
    return request


def confirm_erasure(token: str, now: datetime | None = None) -> ErasureRequest:
    """Spend the mail link: the request is scheduled after the grace period; mails the date."""
    now = now or utcnow()
    request = find_pending(token, now)
    if request is None:
        raise ErasureError(_("This link is invalid, has expired or has already been used."))
    scheduled_for = now + _grace()
    spent = db.session.execute(
        update(ErasureRequest)
        .where(ErasureRequest.id == request.id, ErasureRequest.status == PENDING)
        .values(status=SCHEDULED, token_hash=None, confirmed_at=now, scheduled_for=scheduled_for)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:  # a simultaneous click spent it
        db.session.rollback()
        raise ErasureError(_("This link is invalid, has expired or has already been used."))
    user = db.session.get(User, request.user_id)
    audit.record(
        "account.erasure_scheduled", actor=user, subject_user_id=request.user_id,
        scheduled_for=scheduled_for.isoformat(timespec="minutes"),
    )  # fmt: skip
    db.session.commit()
    db.session.refresh(request)
    with force_locale(user.language):
        send_mail(
            user,
            _("Your Passerelle account will be erased"),
            _(
                "Hello %(name)s,\n\nYour account will be erased on %(date)s. Until then you "
                "can log in and cancel on your account page:\n%(url)s",
                name=user.display_name,
                date=format_date(scheduled_for, "long"),
                url=external_url("erasure.request_page"),
            ),
            kind="erasure",
        )
    return request


def cancel_erasure(user: User, now: datetime | None = None) -> ErasureRequest:
    """Cancel the user's open request (pending or scheduled)."""
    request = open_request(user.id)
    if request is None:
        raise ErasureError(_("There is no deletion to cancel."))
    request.status, request.cancelled_at, request.token_hash = CANCELLED, now or utcnow(), None
    audit.record("account.erasure_cancel", actor=user, subject_user_id=user.id)
    db.session.commit()
    return request


def funder_digest(email: str) -> str:
    """A keyed hash of an address: finds an erased trainee's records for a funder's audit."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def find_erased_by_email(email: str, today: date | None = None) -> ErasureRequest | None:
    """The erasure record of a former address, while it is kept for funders."""
    today = today or utcnow().date()
    return db.session.execute(
        select(ErasureRequest).where(
            ErasureRequest.funder_digest == funder_digest(email),
            ErasureRequest.funder_keep_until >= today,
        )
    ).scalar()


def _funder_keep_until(user_id: int) -> date | None:
    last = db.session.execute(
        select(func.max(LearningEvent.at)).where(LearningEvent.user_id == user_id)
    ).scalar()
    if last is None:
        return None
    days = int(current_app.config.get("DATA_RETENTION_EVIDENCE_DAYS") or 2192)
    return (last + timedelta(days=days)).date()


def erase_user(
    user_id: int,
    *,
    actor_id: int | None,
    reason: str | None,
    keep_certificates: bool,
    actor_label: str | None = None,
) -> ErasureReport:
    """Erase an account now (rules: ``privacy.erasure_rules``); ``actor_id`` None is the
    system (the grace period ended, retention) or the CLI (``actor_label`` "CLI").
    Commits; returns the report.

    Certificates first (a revocation commits on its own), then everything else in one
    transaction: if that fails, the account is untouched and a later run tries again.
    """
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > REASON_MAX:
        raise ErasureError(_("The reason has at most %(max)d characters.", max=REASON_MAX))
    user = db.session.get(User, user_id)
    if user is None:
        raise ErasureError(_("There is no such account."))
    if is_erased(user):
        raise ErasureError(_("This account is already erased."))
    actor = db.session.get(User, actor_id) if actor_id is not None else None
    now = utcnow()
    placeholder = f"erased-{secrets.token_hex(8)}@{ERASED_DOMAIN}"
    report = ErasureReport(user_id=user_id, placeholder_email=placeholder)
    identity = erasure_steps.Identity.of(user)
    erasure_steps.handle_certificates(user, keep_certificates, report, now)
    report.funder_keep_until = _funder_keep_until(user_id)
    erasure_steps.erase_rows(user, identity, placeholder, report)
    reason = identity.scrub(reason) if reason else reason
    request = open_request(user_id)
    if request is None:
        request = ErasureRequest(
            user_id=user_id, requested_at=now, keep_certificates=keep_certificates,
            requested_by="admin" if actor is not None else "system",
        )  # fmt: skip
        db.session.add(request)
    request.status, request.erased_at, request.token_hash = DONE, now, None
    request.keep_certificates = keep_certificates
    if report.funder_keep_until is not None:
        request.funder_digest = funder_digest(identity.email)
        request.funder_keep_until = report.funder_keep_until
    audit.record(
        "account.erase", actor=actor, actor_label=actor_label or audit.SYSTEM_ACTOR,
        subject_user_id=user_id,
        reason=reason, keep_certificates=keep_certificates,
        certificates_kept=report.certificates_kept,
        certificates_revoked=report.certificates_revoked,
        attestations_kept=report.attestations_kept,
        attestations_revoked=report.attestations_revoked,
    )  # fmt: skip
    db.session.commit()
    erasure_steps.remove_outbox_files(identity, report)
    current_app.logger.info(
        "Account %s erased (%s)", user_id, actor.email if actor is not None else "system"
    )
    return report


def run_due(now: datetime | None = None) -> list[ErasureReport]:
    """Erase the accounts whose grace period has ended; expire unused links; clear the
    funders' digests past their date. Returns the reports of the erasures."""
    now = now or utcnow()
    db.session.execute(
        update(ErasureRequest)
        .where(ErasureRequest.status == PENDING, ErasureRequest.token_expires_at < now)
        .values(status=CANCELLED, cancelled_at=now, token_hash=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(ErasureRequest)
        .where(ErasureRequest.funder_keep_until < now.date())
        .values(funder_digest=None, funder_keep_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    due = db.session.execute(
        select(ErasureRequest.id, ErasureRequest.user_id, ErasureRequest.keep_certificates)
        .where(ErasureRequest.status == SCHEDULED, ErasureRequest.scheduled_for <= now)
        .order_by(ErasureRequest.scheduled_for, ErasureRequest.id)
    ).all()
    reports = []
    for _id, user_id, keep in due:
        try:
            reports.append(erase_user(user_id, actor_id=None, reason=None, keep_certificates=keep))
        except Exception:  # one failure must not stop the others; the next run retries
            db.session.rollback()
            current_app.logger.exception("Erasure of account %s failed", user_id)
    return reports
