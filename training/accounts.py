"""Account use cases: register, confirm, log in, change and reset passwords, roles.

Plain functions that a view, a test or the CLI can call. Messages shown to the public never say
whether an address has an account: registration and reset answer the same either way, and the
mail tells the owner what happened.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import IntegrityError

from training.extensions import db
from training.mail import send_mail
from training.models import ROLES, OneTimeToken, TokenPurpose, User
from training.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from training.text_safety import (
    UnsafeText,
    clean_name,
    unprintable_characters,
    unprintable_message,
)
from training.timeutil import utcnow


class AccountError(ValueError):
    """A rule was broken; the message is safe to show to the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise AccountError(
            _(
                "Passwords must be %(min)d to %(max)d characters long.",
                min=MIN_LENGTH,
                max=MAX_LENGTH,
            )
        )


def check_names(display_name: str, full_name: str) -> tuple[str, str]:
    """Both names as stored (NFC, trimmed), or AccountError for a refused character."""
    try:
        display, full = clean_name(display_name), clean_name(full_name)
    except UnsafeText as exc:
        raise AccountError(str(exc)) from exc
    if not display or not full:
        raise AccountError(_("A name cannot be empty."))
    missing = unprintable_characters(full)
    if missing:
        raise AccountError(unprintable_message(missing))
    return display, full


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def create_user(
    email: str,
    *,
    display_name: str,
    full_name: str | None = None,
    password: str | None,
    role: str = "learner",
    language: str = "en",
    verified: bool = True,
) -> User:
    """Create an account (CLI, admin, imports). Raises AccountError if the email is taken."""
    if role not in ROLES:
        raise AccountError(_("Unknown role: %(role)s", role=role))
    display_name, full_name = check_names(display_name, full_name or display_name)
    if password is not None:
        check_password_rules(password)
    user = User(
        email=normalise_email(email),
        display_name=display_name,
        full_name=full_name,
        password_hash=hash_password(password) if password is not None else None,
        role=role,
        language=language if language in current_app.config["LANGUAGES"] else "en",
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise AccountError(_("An account already uses this email address.")) from exc
    return user


def register(
    email: str, display_name: str, full_name: str, password: str, language: str
) -> User | None:
    """Self-registration. Returns the new unconfirmed user, or None if the address was taken.

    Either way the caller shows the same "check your inbox" message; the mail differs.
    """
    check_password_rules(password)
    existing = find_user_by_email(email)
    if existing is not None:
        with force_locale(existing.language):
            send_mail(
                existing.email,
                _("Someone tried to create an account with your address"),
                _(
                    "Hello %(name)s,\n\nSomeone (perhaps you) tried to create a Passerelle "
                    "account with this address, which already has one. If it was you, log in "
                    "or reset your password here:\n%(url)s\n\nIf not, you can ignore this mail.",
                    name=existing.display_name,
                    url=_external("auth.forgot_password"),
                ),
            )
        return None
    try:
        user = create_user(
            email,
            display_name=display_name,
            full_name=full_name,
            password=password,
            language=language,
            verified=False,
        )
    except AccountError:  # lost a race with a simultaneous registration
        return None
    send_token_mail(user, TokenPurpose.VERIFY)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user if the password matches (rehashing it if the parameters changed), else None."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    assert user is not None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password and end every other session (the session version moves on)."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_("Your current password is not correct."))
    _set_password(user, new_password)


def _set_password(user: User, new_password: str) -> None:
    check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    db.session.commit()


def search_users(query: str = "", limit: int = 500) -> list[User]:
    """Users by role then name; ``query`` filters on email or display name (case-insensitive)."""
    statement = select(User).order_by(User.role, func.lower(User.display_name))
    if query.strip():
        like = f"%{query.strip().lower()}%"
        statement = statement.where(
            or_(func.lower(User.email).like(like), func.lower(User.display_name).like(like))
        )
    return list(db.session.execute(statement.limit(limit)).scalars())


def database_is_up() -> bool:
    """For the health check: the database answers a trivial query."""
    db.session.execute(text("SELECT 1"))
    return True


def set_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise AccountError(_("Unknown role: %(role)s", role=role))
    user.role = role
    db.session.commit()


def set_language(user: User, language: str) -> None:
    if language in current_app.config["LANGUAGES"]:
        user.language = language
        db.session.commit()


def update_profile(user: User, display_name: str, full_name: str) -> None:
    user.display_name, user.full_name = check_names(display_name, full_name)
    db.session.commit()


# One-time links -------------------------------------------------------------------------


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


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, purpose: str) -> str:
    """Create a single-use token and return it (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    lifetime = _purposes()[purpose].lifetime
    db.session.add(
        OneTimeToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=_hash_token(token),
            expires_at=utcnow() + lifetime,
        )
    )
    db.session.commit()
    return token


def token_url(purpose: str, token: str) -> str:
    return _external(_purposes()[purpose].endpoint, token=token)


def send_token_mail(user: User, purpose: str) -> str:
    """Mail the user a fresh single-use link for ``purpose``; returns the link."""
    url = token_url(purpose, issue_token(user, purpose))
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
                "Hello %(name)s,\n\nYour trainer has enrolled you on Passerelle. Open this link "
                "to choose your password:\n%(url)s",
                name=user.display_name,
                url=url,
            )
        send_mail(user.email, subject, body)
    return url


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; the caller says the same thing either way."""
    user = find_user_by_email(email)
    if user is not None:
        send_token_mail(user, TokenPurpose.RESET)


def _valid_token(token: str, purpose: str) -> OneTimeToken | None:
    record = db.session.execute(
        select(OneTimeToken).where(
            OneTimeToken.token_hash == _hash_token(token), OneTimeToken.purpose == purpose
        )
    ).scalar_one_or_none()
    if record is None or record.used_at is not None or record.expires_at < utcnow():
        return None
    return record


def token_is_valid(token: str, purpose: str) -> bool:
    return _valid_token(token, purpose) is not None


def use_token_to_set_password(token: str, purpose: str, new_password: str) -> User:
    """Reset or invitation: set the password, burn the token, end other sessions."""
    check_password_rules(new_password)
    record = _valid_token(token, purpose)
    if record is None:
        raise AccountError(_("This link is invalid, has expired or has already been used."))
    record.used_at = utcnow()
    user = record.user
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    _set_password(user, new_password)
    return user


def confirm_email(token: str) -> User:
    record = _valid_token(token, TokenPurpose.VERIFY)
    if record is None:
        raise AccountError(_("This link is invalid, has expired or has already been used."))
    record.used_at = utcnow()
    record.user.email_verified_at = utcnow()
    db.session.commit()
    return record.user


def _external(endpoint: str, **values: object) -> str:
    """An absolute URL built on BASE_URL, so links in mails work outside a request too."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return current_app.config["BASE_URL"].rstrip("/") + path
