"""One-time links (password reset, account invitation, address confirmation): one use, latest only.

Contract:

- :func:`issue_token` returns a fresh random token (256 bits) and stores only its SHA-256. It
  first deletes the user's unused tokens of the same purpose, so only the newest link of each
  kind works ("latest only").
- :func:`claim` spends a token with a conditional UPDATE (``used_at IS NULL`` and not expired):
  of two simultaneous uses, exactly one gets the record, the other ``None``.
- :func:`void` deletes a user's unused tokens of some purposes: a password set by any means
  (reset, invitation, change on the account page) voids every pending reset and invitation link.
- :func:`send_token_mail` mails the user a new link. Neither function ever says whether an
  address has an account: the callers decide what to show.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from training.extensions import db
from training.mail import send_mail
from training.models import OneTimeToken, TokenPurpose, User
from training.timeutil import utcnow


@dataclass(frozen=True)
class _Purpose:
    endpoint: str
    lifetime: timedelta


def _purposes() -> dict[str, _Purpose]:
    config = current_app.config
    return {
        TokenPurpose.RESET: _Purpose(
            "auth.reset_password", timedelta(hours=config["PASSWORD_RESET_HOURS"])
        ),
        TokenPurpose.VERIFY: _Purpose("auth.confirm_email", timedelta(days=config["INVITE_DAYS"])),
        TokenPurpose.INVITE: _Purpose("auth.accept_invite", timedelta(days=config["INVITE_DAYS"])),
    }


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, purpose: str, *, commit: bool = True) -> str:
    """A new single-use token for ``purpose``; the user's older unused ones stop working."""
    token = secrets.token_urlsafe(32)
    lifetime = _purposes()[purpose].lifetime
    void(user, (purpose,), commit=False)
    db.session.add(
        OneTimeToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(token),
            expires_at=utcnow() + lifetime,
        )
    )
    if commit:
        db.session.commit()
    return token


def void(user: User, purposes: Iterable[str], *, commit: bool = True) -> None:
    """Delete the user's unused tokens of these purposes (used ones stay, as a record)."""
    db.session.execute(
        delete(OneTimeToken).where(
            OneTimeToken.user_id == user.id,
            OneTimeToken.purpose.in_(list(purposes)),
            OneTimeToken.used_at.is_(None),
        )
    )
    if commit:
        db.session.commit()


def find_valid(token: str, purpose: str) -> OneTimeToken | None:
    """The unused, unexpired record of ``token`` (without spending it), else None."""
    if not token or len(token) > 200:
        return None
    record = db.session.execute(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == hash_token(token), OneTimeToken.purpose == purpose
        )
    ).scalar_one_or_none()
    if record is None or record.used_at is not None or record.expires_at < utcnow():
        return None
    return record


def claim(token: str, purpose: str) -> OneTimeToken | None:
    """Spend ``token`` (no commit): its record if this call spent it, else None."""
    record = find_valid(token, purpose)
    if record is None:
        return None
    now = utcnow()
    spent = db.session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.id == record.id,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at >= now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        return None
    record.used_at = now
    return record


def token_url(purpose: str, token: str) -> str:
    return external_url(_purposes()[purpose].endpoint, token=token)


def send_token_mail(user: User, purpose: str, *, commit: bool = True) -> str:
    """Mail the user a fresh single-use link for ``purpose``; returns the link. With
    ``commit=False`` the token and the mail join the caller's transaction (see ``outbox.add``)."""
    url = token_url(purpose, issue_token(user, purpose, commit=commit))
    with force_locale(user.language):
        if purpose == TokenPurpose.RESET:
            subject = _("Reset your Passerelle password")
            body = _(
                "Hello %(name)s,\n\nTo choose a new password, open this link (valid %(hours)d "
                "hours, once):\n%(url)s\n\nIf you did not ask for this, ignore this mail.",
                name=user.display_name,
                hours=current_app.config["PASSWORD_RESET_HOURS"],
                url=url,
            )
        elif purpose == TokenPurpose.VERIFY:
            subject = _("Confirm your Passerelle account")
            body = _(
                "Hello %(name)s,\n\nWelcome to Passerelle. Open this link to confirm your "
                "address and start learning:\n%(url)s",
                name=user.display_name,
                url=url,
            )
        else:
            subject = _("You are invited to Passerelle")
            body = _(
                "Hello %(name)s,\n\nA trainer has invited you to Passerelle. Open this link "
                "to choose your password; you will then see the invitation to their group "
                "and can accept or decline it:\n%(url)s",
                name=user.display_name,
                url=url,
            )
        send_mail(user, subject, body, commit=commit)
    return url


def external_url(endpoint: str, **values: object) -> str:
    """An absolute URL built on BASE_URL, so links in mails work outside a request too."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["BASE_URL"].rstrip("/") + path
