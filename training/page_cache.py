"""Whole pages rendered once per what they show; only the request's CSRF token is filled in.

The module reader is the page learners open most, and rendering its layout (navigation, two
language forms, three CSRF fields, some thirty translated strings and twenty ``url_for``) cost
more than everything else in the request (issue 19, item 1). Most of it is the same for every
learner with the same course version, locale and role. :func:`render_page` renders a template
once per **key** and keeps the HTML, split where the CSRF token goes; a later request with the
same key joins the pieces with its own token: no template, no form, no translation lookup.

Contract:

- The caller's key names **everything the page shows besides the layout**: the course and its
  content version, the module, the learner's state on it (done or not). :func:`render_page`
  adds what the layout shows: the template, the locale, the path, and the user's role flags
  (the navigation differs for learners, trainers and admins).
- A page is rendered live, never from the cache, when the layout holds something personal or
  passing: flash messages waiting in the session, a query string (the language form sends the
  path back), a scheduled account erasure (its banner), or the cache is off.
- ``PAGE_CACHE`` (default on) switches it off; it is off whenever templates reload from disk
  (``TEMPLATES_AUTO_RELOAD`` or debug), so an edited template shows at once, and in the course
  preview. The cache belongs to the app (``app.extensions``), per process, bounded
  (``PAGE_CACHE_SIZE`` pages, least recently used first out).
- The CSRF token stays per request and per session: the cached HTML holds a random marker
  (drawn per process, so no content can contain it) where Flask-WTF's token was, and
  :func:`render_page` puts the token of this request there. Forms are validated as before.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, g, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import escape

from training.lru import BoundedLRU
from training.signed_cache import csrf_token

DEFAULT_SIZE = 256
#: Where the CSRF token goes in a cached page (never sent: every hole is filled).
TOKEN_HOLE = f"csrf-hole-{secrets.token_hex(12)}"

#: Callables that say the signed-in user's layout holds something personal (a banner), so the
#: page is rendered live. Features register theirs (see privacy.erasure_views).
PERSONAL_LAYOUT: list[Callable[[], bool]] = []


class PageCache(BoundedLRU):
    """Key → the page's HTML split at the token holes."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        super().__init__(size)


def page_cache() -> PageCache:
    """This app's page cache (created on first use)."""
    cache = current_app.extensions.get("page_cache")
    if cache is None:
        cache = PageCache(int(current_app.config.get("PAGE_CACHE_SIZE", DEFAULT_SIZE)))
        current_app.extensions["page_cache"] = cache
    return cache


def _enabled() -> bool:
    app = current_app
    return bool(app.config.get("PAGE_CACHE", True)) and not app.jinja_env.auto_reload


def _cacheable() -> bool:
    if not _enabled() or request.query_string or "_flashes" in session:
        return False
    return not (current_user.is_authenticated and any(check() for check in PERSONAL_LAYOUT))


def _layout_key() -> tuple[Hashable, ...]:
    user = current_user
    signed_in = bool(user.is_authenticated)
    return (
        str(get_locale() or "en"),
        request.script_root,
        request.path,
        signed_in,
        signed_in and bool(user.is_trainer),
        signed_in and bool(user.is_admin),
    )


def render_page(
    key: tuple[Hashable, ...], template: str, context: Callable[[], dict[str, Any]]
) -> str:
    """``render_template(template, **context())``, from the cache when ``key`` (with the
    layout's own key) was rendered before; see the module doc for what the key must hold."""
    if not _cacheable():
        return render_template(template, **context())
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = csrf_token()  # this request's token (and the session's raw token if new)
    full_key = (template, *key, *_layout_key())
    cache = page_cache()
    parts = cache.get(full_key)
    if parts is None:
        setattr(g, field, TOKEN_HOLE)  # every form and csrf_token() of the page print the hole
        try:
            html = render_template(template, **context())
        finally:
            setattr(g, field, token)
        parts = html.split(TOKEN_HOLE)
        cache.put(full_key, parts)
    return str(escape(token)).join(parts)
