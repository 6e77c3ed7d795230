"""What a view reads on every request, read in the user loader's query (issue 19, item 1).

The module page is the page learners open most. Signed in, it cost two queries: the user
loader's (the user and their server session) and the page's own (progress, enrolment and the
facts features read for a module view); on PostgreSQL each is a round trip. A view can
register a :class:`Prefetch` for its endpoint here: the loader then adds the view's columns to
its one statement, and the view takes them from :func:`prefetched` instead of asking again.

Contract:

- ``extend(statement)`` adds labelled columns (and outer joins that keep the loader's single
  row) that depend only on bound parameters; ``params(view_args, user_id, now)`` returns them
  for this request, or None when the request does not need them (the loader then runs its
  plain statement). ``user_id`` is the id the session cookie names; the loader uses the row
  only when the user it found has that id.
- :func:`prefetched` returns what was read for the endpoint with the parameters it was read
  with, or None (no signed-in user loaded by the cookie, or another endpoint): the view then
  runs its own query, as before. The values were read at the loader's ``now``, earlier in the
  same request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import Select


@dataclass(frozen=True)
class Prefetch:
    extend: Callable[[Select[Any]], Select[Any]]
    params: Callable[[Mapping[str, Any], int, datetime], dict[str, Any] | None]


@dataclass(frozen=True)
class Prefetched:
    """What the loader read for ``endpoint``: the parameters it bound and the row's values."""

    endpoint: str
    params: Mapping[str, Any]
    values: Mapping[str, Any]


#: endpoint → Prefetch, registered by features at import (courses.reading: the module page).
PREFETCH: dict[str, Prefetch] = {}


def prefetched(endpoint: str) -> Prefetched | None:
    """What the user loader read for ``endpoint`` this request, or None."""
    found = g.get("passerelle_prefetched")
    return found if found is not None and found.endpoint == endpoint else None


def keep(found: Prefetched) -> None:
    g.passerelle_prefetched = found


def for_this_request(user_id: int, now: datetime) -> tuple[str | None, dict[str, Any]]:
    """The endpoint whose reads join the user loader's query this request (None: none), and
    their parameters."""
    endpoint = request.endpoint if has_request_context() else None
    wanted = PREFETCH.get(endpoint) if endpoint else None
    extra = wanted.params(request.view_args or {}, user_id, now) if wanted else None
    return (endpoint, extra) if extra is not None else (None, {})
