"""The module page's one query: a learner's progress in a module, whether they are enrolled in
its course, and the facts features registered for a module view (issue 19, item 1).

A re-read of a module is the page learners open most; it used to cost an ORM query per fact
(enrolment, progress, the learning-event check). :func:`read_module` reads them in one
statement built once per set of extras, as plain rows. Features register a
:class:`ReadingExtra` in :data:`READING_EXTRAS` at import (the dependency points from the
feature to courses); the page leaves what was read in ``g.module_reading`` for their hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, exists, select

from courses.models import Enrolment, ModuleProgress
from training.extensions import db


@dataclass(frozen=True)
class ModuleReading:
    """What the module page's query read, for the features' hooks later in the request."""

    user_id: int
    slug: str
    stem: str
    enrolled: bool
    extras: dict[str, Any]


@dataclass(frozen=True)
class ReadingExtra:
    """A fact read in the module page's one query for a feature that acts on a module view:
    ``clause()`` is a SQL expression of the bound parameters ``user_id``, ``slug`` and
    ``stem`` and of those ``params(now)`` returns."""

    clause: Callable[[], Any]
    params: Callable[[datetime], dict[str, Any]]


#: name → ReadingExtra, registered by features at import (proof: whether this view repeats the
#: learner's latest learning event, so its hook writes nothing without asking again). The
#: module view leaves what was read in ``g.module_reading``.
READING_EXTRAS: dict[str, ReadingExtra] = {}


@cache
def _reading_statement(extras: tuple[str, ...]) -> Select[Any]:
    """The learner's progress row for a module, whether they are enrolled in its course and
    the registered extras, in one query (built once per set of extras; plain columns, no ORM
    object: the module page's hot path)."""
    progress, enrolments = ModuleProgress.__table__, Enrolment.__table__
    enrolled = exists().where(
        enrolments.c.user_id == bindparam("user_id"),
        enrolments.c.course_slug == bindparam("slug"),
    )
    return select(
        progress.c.first_opened_at,
        progress.c.last_opened_at,
        progress.c.completed_at,
        enrolled.label("enrolled"),
        *(READING_EXTRAS[name].clause().label(name) for name in extras),
    ).where(
        progress.c.user_id == bindparam("user_id"),
        progress.c.course_slug == bindparam("slug"),
        progress.c.module_stem == bindparam("stem"),
    )


def read_module(
    user_id: int, slug: str, stem: str, now: datetime
) -> tuple[Row[Any], ModuleReading] | None:
    """The progress row (``first_opened_at``, ``last_opened_at``, ``completed_at``) and what
    was read with it; None when the user never opened the module."""
    extras = tuple(READING_EXTRAS)
    params: dict[str, Any] = {"user_id": user_id, "slug": slug, "stem": stem}
    for name in extras:
        params.update(READING_EXTRAS[name].params(now))
    # On the session's connection (its transaction), not Session.execute: the ORM's execute
    # path costs more than the query for a statement of plain columns.
    row = db.session.connection().execute(_reading_statement(extras), params).first()
    if row is None:
        return None
    values = row._mapping
    return row, ModuleReading(
        user_id, slug, stem, bool(row.enrolled), {name: values[name] for name in extras}
    )
