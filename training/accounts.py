"""Account use cases: register, confirm, log in, change and reset passwords, roles.

Plain functions that a view, a test or the CLI can call. Messages shown to the public never say
whether an address has an account: registration and reset answer the same either way, and the
mail tells the owner what happened. Registration also does the same work either way (one
password hash, one link stored, one mail queued), so its timing tells nothing either.
One-time links live in :mod:`training.links`, sessions in :mod:`training.sessions`.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import IntegrityError

from training import links, login_throttle, sessions
from training.extensions import db
from training.links import external_url, issue_token, send_token_mail, token_url  # noqa: F401
from training.mail import send_mail
from training.models import ROLES, TokenPurpose, User
from training.password_policy import password_problem
from training.passwords import hash_password, needs_rehash, verify_password
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


def check_password_rules(
    password: str, *, email: str | None = None, names: tuple[str, ...] = ()
) -> None:
    """AccountError unless ``password`` is acceptable for the account (training.password_policy)."""
    problem = password_problem(password, email=email, names=names)
    if problem is not None:
        raise AccountError(problem)


def check_password_for(user: User, password: str) -> None:
    check_password_rules(password, email=user.email, names=(user.display_name, user.full_name))


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
        check_password_rules(password, email=email, names=(display_name, full_name))
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
    email: str,
    display_name: str,
    full_name: str,
    password: str,
    language: str,
    *,
    notice_version: str,
) -> User | None:
    """Self-registration. Returns the new unconfirmed user, or None if the address was taken.

    ``notice_version`` is the privacy notice the person accepted (``PRIVACY_NOTICE_VERSION``):
    the account records it and when.

    Either way the caller shows the same "check your inbox" page, and the same work is done:
    the password is hashed, one link is stored in one transaction and one mail is queued. A
    new address gets a confirmation link; a taken one gets a mail saying so, with a reset link.
    """
    display_name, full_name = check_names(display_name, full_name)
    check_password_rules(password, email=email, names=(display_name, full_name))
    password_hash = hash_password(password)  # also when the address is taken: equal work
    existing = find_user_by_email(email)
    if existing is not None:
        _mail_taken_address(existing)
        return None
    user = User(
        email=normalise_email(email),
        display_name=display_name,
        full_name=full_name,
        password_hash=password_hash,
        role="learner",
        language=language if language in current_app.config["LANGUAGES"] else "en",
        email_verified_at=None,
        privacy_notice_version=notice_version,
        privacy_accepted_at=utcnow(),
    )
    db.session.add(user)
    try:
        db.session.flush()
        url = links.token_url(
            TokenPurpose.VERIFY, issue_token(user, TokenPurpose.VERIFY, commit=False)
        )
        db.session.commit()
    except IntegrityError:  # lost a race with a simultaneous registration
        db.session.rollback()
        return None
    with force_locale(user.language):
        send_mail(
            user,
            _("Confirm your Passerelle account"),
            _(
                "Hello %(name)s,\n\nWelcome to Passerelle. Open this link to confirm your "
                "address and start learning:\n%(url)s",
                name=user.display_name,
                url=url,
            ),
        )
    return user


def _mail_taken_address(existing: User) -> None:
    url = links.token_url(TokenPurpose.RESET, issue_token(existing, TokenPurpose.RESET))
    with force_locale(existing.language):
        send_mail(
            existing,
            _("Someone tried to create an account with your address"),
            _(
                "Hello %(name)s,\n\nSomeone (perhaps you) tried to create a Passerelle "
                "account with this address, which already has one. If it was you, log in, or "
                "choose a new password with this link (valid %(hours)d hours, once):\n%(url)s"
                "\n\nIf not, you can ignore this mail: your password has not changed.",
                name=existing.display_name,
                hours=current_app.config["PASSWORD_RESET_HOURS"],
                url=url,
            ),
        )


class LoginThrottled(AccountError):
    """Too many failed logins for this address: wait ``seconds`` before the next try."""

    def __init__(self, seconds: int) -> None:
        super().__init__(
            _(
                "Too many failed attempts for this address. Wait %(seconds)d seconds, then try "
                "again (or reset your password).",
                seconds=seconds,
            )
        )
        self.seconds = seconds


def authenticate(email: str, password: str) -> User | None:
    """The user if the password matches (rehashing it if the parameters changed), else None.

    Raises :class:`LoginThrottled` while the address is in backoff (the password is then not
    checked at all); see :mod:`training.login_throttle`.
    """
    wait = login_throttle.seconds_to_wait(email)
    if wait:
        raise LoginThrottled(wait)
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        login_throttle.record_failure(email)
        return None
    assert user is not None
    if needs_rehash(user.password_hash or ""):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    login_throttle.record_success(email)
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password; every other session and remember-me chain ends, every pending
    reset or invitation link dies."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_("Your current password is not correct."))
    check_password_for(user, new_password)
    _set_password(user, new_password)
    sessions.end_others(user)


def end_other_sessions(user: User, current_password: str) -> int:
    """ "Log out of every other device", after checking the password again (ASVS V7.5)."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_("Your current password is not correct."))
    return sessions.end_others(user)


def _set_password(user: User, new_password: str) -> None:
    """Set the password (no rule check: callers check first) and void pending links."""
    user.password_hash = hash_password(new_password)
    links.void(user, (TokenPurpose.RESET, TokenPurpose.INVITE), commit=False)
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


def set_role(user: User, role: str, actor: User | None = None) -> None:
    """Change a role; recorded in the audit log (``actor`` None: the command line)."""
    if role not in ROLES:
        raise AccountError(_("Unknown role: %(role)s", role=role))
    previous = user.role
    user.role = role
    if previous != role:
        from training import audit

        audit.record(
            "user.role", actor=actor, actor_label=audit.CLI_ACTOR, subject_user_id=user.id,
            previous=previous, role=role,
        )  # fmt: skip
    db.session.commit()


def set_language(user: User, language: str) -> None:
    if language in current_app.config["LANGUAGES"]:
        user.language = language
        db.session.commit()


def update_profile(user: User, display_name: str, full_name: str) -> None:
    user.display_name, user.full_name = check_names(display_name, full_name)
    db.session.commit()


# One-time links ---------------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; the caller says the same thing either way."""
    user = find_user_by_email(email)
    if user is not None:
        send_token_mail(user, TokenPurpose.RESET)


def resend_confirmation(email: str) -> None:
    """Mail a new confirmation link to an unconfirmed account; nothing otherwise (the caller
    says the same thing either way)."""
    user = find_user_by_email(email)
    if user is not None and user.email_verified_at is None:
        send_token_mail(user, TokenPurpose.VERIFY)


def token_is_valid(token: str, purpose: str) -> bool:
    return links.find_valid(token, purpose) is not None


def _invalid_link() -> AccountError:
    return AccountError(_("This link is invalid, has expired or has already been used."))


def use_token_to_set_password(token: str, purpose: str, new_password: str) -> User:
    """Reset or invitation: check the new password, spend the link, set the password; every
    session and remember-me chain of the account ends (the caller signs this browser in)."""
    record = links.find_valid(token, purpose)
    if record is None:
        raise _invalid_link()
    user = record.user
    check_password_for(user, new_password)  # a refused password does not spend the link
    if links.claim(token, purpose) is None:  # spent by a simultaneous request
        db.session.rollback()
        raise _invalid_link()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    sessions.end_all(user, commit=False)
    _set_password(user, new_password)
    return user


def confirm_email(token: str) -> User:
    record = links.claim(token, TokenPurpose.VERIFY)
    if record is None:
        db.session.rollback()
        raise _invalid_link()
    record.user.email_verified_at = utcnow()
    db.session.commit()
    return record.user
