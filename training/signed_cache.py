"""Signed values checked and made once, not on every request (issue 19, item 1).

A signed-in page used to spend more on itsdangerous than on its SQL: each request verified the
session cookie (HMAC, base64, zlib, tagged JSON) and signed a new CSRF token, although a
browser sends the same cookie request after request. Both are kept here, per process, bounded:

- :class:`CachingSessionInterface` remembers the data of a session cookie it has verified,
  keyed by the **exact cookie value** (which carries its own signature, so only a value that
  was verified once is ever looked up) with the time it was signed; the age limit is checked
  on every request as before. Only sessions of plain values (str, int, float, bool, None) are
  kept, and every request gets its own copy, so nothing a request changes reaches another.
- :func:`csrf_token` reuses the signed CSRF token of a session's raw token for
  ``CSRF_REUSE_SECONDS`` (60); a token then reaches the form at most a minute older than a
  fresh one would (``WTF_CSRF_TIME_LIMIT`` is an hour). It stays bound to that session's raw
  token, and forms are validated by Flask-WTF exactly as before.
"""

from __future__ import annotations

import time

from flask import Flask, Request, current_app, g, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature

from training.lru import BoundedLRU

CACHE_SIZE = 2048
CSRF_REUSE_SECONDS = 60.0
_PLAIN = (str, int, float, bool, type(None))


class CachingSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, each distinct cookie value verified once per process."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._verified = BoundedLRU(size)

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (value, app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        known = self._verified.get(key)
        if known is not None:
            data, signed_at = known
            if time.time() - signed_at <= max_age:
                return self.session_class(data)
            return self.session_class()  # expired, as itsdangerous would say
        serializer = self.get_signing_serializer(app)
        assert serializer is not None  # a secret key is set
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(v, _PLAIN) for v in data.values()):
            self._verified.put(key, (dict(data), signed_at.timestamp()))
        return self.session_class(data)


_signed_tokens = BoundedLRU(CACHE_SIZE)


def csrf_token() -> str:
    """This request's signed CSRF token (Flask-WTF's ``generate_csrf``), reusing the one signed
    for the session's raw token in the last ``CSRF_REUSE_SECONDS``."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g:
        return g.get(field)
    raw = session.get(field)
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    if isinstance(raw, str):
        known = _signed_tokens.get((raw, secret))
        if known is not None and time.time() - known[1] < CSRF_REUSE_SECONDS:
            setattr(g, field, known[0])
            return known[0]
    token = generate_csrf()
    _signed_tokens.put((session[field], secret), (token, time.time()))
    return token


def init_signed_cache(app: Flask) -> None:
    app.session_interface = CachingSessionInterface()
