"""Sessions that end on the server, and remember-me tokens that are hashed, rotated and revoked.

How a request is signed in (ASVS 5.0 V7):

- :func:`begin` (at login) creates a :class:`UserSession` row and puts a fresh random token in
  the signed Flask session (``_sid``); Flask-Login keeps the user id beside it. The
  ``user_loader`` (:func:`load_user`) accepts the cookie only while its row is live: one indexed
  SELECT returns the user and the session row together. ``last_seen_at`` is written at most once
  a minute (``TOUCH_EVERY``), so most requests run no UPDATE.
- A session ends on the server: :func:`end_current` (logout), :func:`end_others` (password
  change, "log out of every other device"), :func:`end_all` (password reset). A replayed cookie
  of an ended session is simply anonymous.
- Lifetimes (configuration, documented in the README): ``SESSION_IDLE_MINUTES`` (default 60)
  without a request, ``SESSION_ABSOLUTE_HOURS`` (default 12) after login whatever happens,
  ``REMEMBER_DAYS`` (default 30) for a remember-me chain.
- "Keep me logged in" sets the ``passerelle_remember`` cookie (HttpOnly, SameSite=Lax, Secure
  like the session cookie): ``<id>.<secret>``; only the secret's SHA-256 is stored. When a
  request has no live session, :func:`load_from_remember_cookie` (the ``request_loader``)
  spends the token once, stores its successor, sets the new cookie and opens a new session.
  Presenting a spent token again (more than ``REMEMBER_REUSE_GRACE`` after it was spent, which
  covers two tabs racing) revokes its whole family: whoever copied it and the owner are both
  logged out of that device, and the owner logs in again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask import Response, current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy import Select, bindparam, select, update

from training import prefetch
from training.extensions import db
from training.models import User
from training.prefetch import PREFETCH
from training.session_models import RememberToken, UserSession
from training.timeutil import utcnow

SESSION_KEY = "_sid"
REMEMBER_COOKIE = "passerelle_remember"
TOUCH_EVERY = timedelta(minutes=1)
REMEMBER_REUSE_GRACE = timedelta(seconds=10)
USER_AGENT_MAX = 200


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _idle() -> timedelta:
    return timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"]))


def _absolute() -> timedelta:
    return timedelta(hours=int(current_app.config["SESSION_ABSOLUTE_HOURS"]))


def _user_agent() -> str:
    return (request.headers.get("User-Agent") or "")[:USER_AGENT_MAX]


# Starting -----------------------------------------------------------------------------


def begin(user: User, *, remember: bool = False, family: str | None = None) -> UserSession:
    """Sign ``user`` in on this browser: a new server session (and a remember-me chain when
    asked). Commits. Any previous session of this browser is ended first (no fixation); so is
    its remember-me chain, unless ``family`` says this session continues it."""
    now = utcnow()
    _end_session_token(now)
    if family is None:
        _end_remember_cookie(now)
    token = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id,
        token_hash=_hash(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + _absolute(),
        remember_family=family,
        user_agent=_user_agent(),
    )
    db.session.add(row)
    if remember and family is None:
        row.remember_family = _new_family(user, now)
    db.session.flush()
    current = CurrentSession(row.id, row.remember_family)  # read before the commit expires it
    db.session.commit()
    session.pop("language", None)
    login_user(user)
    session[SESSION_KEY] = token
    g.passerelle_session = current
    return row


def _new_family(user: User, now: datetime) -> str:
    family = secrets.token_hex(16)
    expires = now + timedelta(days=int(current_app.config["REMEMBER_DAYS"]))
    _issue_remember(user.id, family, expires, now)
    return family


def _issue_remember(user_id: int, family: str, expires_at: datetime, now: datetime) -> None:
    secret = secrets.token_urlsafe(32)
    token = RememberToken(
        user_id=user_id,
        family=family,
        token_hash=_hash(secret),
        created_at=now,
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    g.passerelle_remember_cookie = (f"{token.id}.{secret}", expires_at)


# Loading (once per request) -----------------------------------------------------------


#: Facts about the signed-in user that pages need on every request, read in the loader's one
#: query: name → a boolean SQL expression of the user id column. Features register theirs at
#: start-up (privacy: a scheduled erasure, whose banner keeps a page out of the page cache);
#: :func:`user_flag` reads them back.
USER_FLAGS: dict[str, Callable[[Any], Any]] = {}


@dataclass(frozen=True)
class CurrentSession:
    """The server session this request is signed in with (what the account page and "log out
    of every other device" need of it)."""

    id: int
    remember_family: str | None


@cache
def _user_statement(flags: tuple[str, ...], endpoint: str | None) -> Select[Any]:
    """The user, the live session of a token, the registered flags and what the endpoint
    prefetches (training.prefetch), built once per such set: it runs on every request. The
    session as plain columns: loading it as an ORM object cost a quarter of the query's time,
    and nothing on a page changes it."""
    statement = (
        select(
            User,
            UserSession.id.label("session_id"),
            UserSession.remember_family,
            UserSession.last_seen_at,
            UserSession.expires_at,
            UserSession.ended_at,
            *(USER_FLAGS[name](User.id).label(name) for name in flags),
        )
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == bindparam("token_hash"))
    )
    return statement if endpoint is None else PREFETCH[endpoint].extend(statement)


def user_flag(name: str) -> bool | None:
    """A flag of :data:`USER_FLAGS` as read with the current user; None when it was not read
    (no user loaded by the session cookie this request): the feature asks the database."""
    flags = g.get("passerelle_user_flags")
    return None if flags is None or name not in flags else bool(flags[name])


def load_user(user_id: str) -> User | None:
    """Flask-Login's ``user_loader``: the user of a live server session, else None."""
    ident, _, version = user_id.partition(":")
    token = session.get(SESSION_KEY)
    if not ident.isdigit() or not version.isdigit() or not isinstance(token, str):
        return None
    now = utcnow()
    flags = tuple(USER_FLAGS)
    endpoint, extra = prefetch.for_this_request(int(ident), now)
    params = {"token_hash": _hash(token), **extra}
    found = db.session.execute(_user_statement(flags, endpoint), params).first()
    if found is None:
        return None
    user = found[0]
    if (
        user.id != int(ident)
        or user.session_version != int(version)
        or found.ended_at is not None
        or found.expires_at <= now
        or found.last_seen_at <= now - _idle()
    ):
        return None
    if now - found.last_seen_at >= TOUCH_EVERY:
        db.session.execute(
            update(UserSession).where(UserSession.id == found.session_id).values(last_seen_at=now)
        )
        db.session.commit()
    g.passerelle_session = CurrentSession(found.session_id, found.remember_family)
    g.passerelle_user_flags = {name: found._mapping[name] for name in flags}
    if endpoint is not None:
        prefetch.keep(prefetch.Prefetched(endpoint, extra, found._mapping))
    return user


def load_from_remember_cookie(req: Any) -> User | None:
    """Flask-Login's ``request_loader``: spend a valid remember-me token (see module doc)."""
    raw = req.cookies.get(REMEMBER_COOKIE)
    if not raw:
        return None
    ident, _, secret = raw.partition(".")
    if not ident.isdigit() or not secret or len(ident) > 12:
        _forget_cookie()
        return None
    now = utcnow()
    found = db.session.execute(
        select(RememberToken, User)
        .join(User, User.id == RememberToken.user_id)
        .where(RememberToken.id == int(ident))
    ).first()
    if found is None or not hmac.compare_digest(found[0].token_hash, _hash(secret)):
        _forget_cookie()
        return None
    token, user = found
    if token.revoked_at is not None or token.expires_at <= now:
        _forget_cookie()
        return None
    if token.used_at is not None:
        if now - token.used_at > REMEMBER_REUSE_GRACE:
            revoke_family(token.family, now)  # a spent token came back: assume it was stolen
            _forget_cookie()
        return None
    spent = db.session.execute(
        update(RememberToken)
        .where(RememberToken.id == token.id, RememberToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if spent != 1:  # another request spent it a moment ago
        db.session.rollback()
        return None
    _issue_remember(user.id, token.family, token.expires_at, now)
    begin(user, family=token.family)
    session["_fresh"] = False  # remembered, not a fresh login (Flask-Login's convention)
    return user


def write_remember_cookie(response: Response) -> Response:
    """``after_request``: set or clear the remember-me cookie decided during the request."""
    cookie = g.pop("passerelle_remember_cookie", None)
    config = current_app.config
    if cookie == "":
        response.delete_cookie(
            REMEMBER_COOKIE,
            secure=config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    elif cookie:
        value, expires_at = cookie
        response.set_cookie(
            REMEMBER_COOKIE,
            value,
            expires=expires_at,
            secure=config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


def _forget_cookie() -> None:
    g.passerelle_remember_cookie = ""


# Ending -------------------------------------------------------------------------------


def current_session() -> CurrentSession | None:
    return g.get("passerelle_session")


def _end_session_token(now: datetime) -> None:
    token = session.pop(SESSION_KEY, None)
    g.pop("passerelle_session", None)
    if isinstance(token, str):
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
            .values(ended_at=now)
        )


def _end_remember_cookie(now: datetime) -> None:
    raw = request.cookies.get(REMEMBER_COOKIE, "")
    if not raw:
        return
    ident = raw.partition(".")[0]
    if ident.isdigit() and len(ident) <= 12:
        family = db.session.execute(
            select(RememberToken.family).where(RememberToken.id == int(ident))
        ).scalar()
        if family is not None:
            revoke_family(family, now, commit=False)
    _forget_cookie()


def end_current(*, commit: bool = True) -> None:
    """Logout: end this browser's session and remember-me chain on the server."""
    now = utcnow()
    _end_session_token(now)
    _end_remember_cookie(now)
    if commit:
        db.session.commit()


def logout() -> None:
    end_current()
    logout_user()


def revoke_family(family: str, now: datetime | None = None, *, commit: bool = True) -> None:
    now = now or utcnow()
    db.session.execute(
        update(RememberToken)
        .where(RememberToken.family == family, RememberToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    db.session.execute(
        update(UserSession)
        .where(UserSession.remember_family == family, UserSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    if commit:
        db.session.commit()


def end_others(user: User, *, commit: bool = True) -> int:
    """End every session and remember-me chain of ``user`` but this browser's. How many
    sessions ended."""
    return _end(user, keep=current_session(), commit=commit)


def end_all(user: User, *, commit: bool = True) -> int:
    """End every session and remember-me chain of ``user`` (password reset)."""
    return _end(user, keep=None, commit=commit)


def _end(user: User, keep: CurrentSession | None, commit: bool) -> int:
    now = utcnow()
    sessions = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    tokens = update(RememberToken).where(
        RememberToken.user_id == user.id, RememberToken.revoked_at.is_(None)
    )
    if keep is not None:
        sessions = sessions.where(UserSession.id != keep.id)
        if keep.remember_family is not None:
            tokens = tokens.where(RememberToken.family != keep.remember_family)
    ended = db.session.execute(sessions.values(ended_at=now)).rowcount
    db.session.execute(tokens.values(revoked_at=now))
    if commit:
        db.session.commit()
    return ended


# Reading ------------------------------------------------------------------------------


def live_sessions(user: User) -> list[UserSession]:
    """The user's sessions still running, most recently used first."""
    now = utcnow()
    return list(
        db.session.execute(
            select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.expires_at > now,
                UserSession.last_seen_at > now - _idle(),
            )
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        ).scalars()
    )


def prune(now: datetime | None = None) -> int:
    """Delete sessions and remember-me tokens over for more than a day. How many rows went."""
    from sqlalchemy import delete, or_

    cutoff = (now or utcnow()) - timedelta(days=1)
    gone = db.session.execute(
        delete(UserSession).where(
            or_(UserSession.ended_at < cutoff, UserSession.expires_at < cutoff)
        )
    ).rowcount
    gone += db.session.execute(
        delete(RememberToken).where(
            or_(RememberToken.revoked_at < cutoff, RememberToken.expires_at < cutoff)
        )
    ).rowcount
    db.session.commit()
    return gone
