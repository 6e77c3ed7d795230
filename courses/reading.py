"""The module page's one query: a learner's progress in a module, whether they are enrolled in
its course, and the facts features registered for a module view (issue 19, item 1).

A re-read of a module is the page learners open most; it used to cost an ORM query per fact
(enrolment, progress, the learning-event check). :func:`read_module` reads them in one
statement built once per set of extras, as plain rows. Features register a
:class:`ReadingExtra` in :data:`READING_EXTRAS` at import (the dependency points from the
feature to courses); the page leaves what was read in ``g.module_reading`` for their hooks.

For a signed-in request of the module page the same columns join the user loader's query
(training.prefetch), so a re-read costs one query in all; :func:`read_module` runs its own
statement only when they were not read there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, bindparam, exists, select

from courses.models import Enrolment, ModuleProgress
from training.extensions import db
from training.prefetch import PREFETCH, Prefetch, prefetched

MODULE_ENDPOINT = "courses.module"
PREFIX = "module_"  # of the columns' labels (they share the user loader's row)


class ProgressRow(NamedTuple):
    first_opened_at: datetime
    last_opened_at: datetime
    completed_at: datetime | None


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


def _columns(extras: tuple[str, ...]) -> list[Any]:
    """The progress row's columns (``progress_id`` None: never opened), the enrolment and the
    extras, of the bound parameters ``user_id``, ``slug`` and ``stem``."""
    progress, enrolments = ModuleProgress.__table__, Enrolment.__table__
    enrolled = exists().where(
        enrolments.c.user_id == bindparam("user_id"),
        enrolments.c.course_slug == bindparam("slug"),
    )
    return [
        progress.c.id.label(f"{PREFIX}progress_id"),
        progress.c.first_opened_at.label(f"{PREFIX}first_opened_at"),
        progress.c.last_opened_at.label(f"{PREFIX}last_opened_at"),
        progress.c.completed_at.label(f"{PREFIX}completed_at"),
        enrolled.label(f"{PREFIX}enrolled"),
        *(READING_EXTRAS[name].clause().label(f"{PREFIX}{name}") for name in extras),
    ]


def _this_progress() -> Any:
    progress = ModuleProgress.__table__
    return and_(
        progress.c.user_id == bindparam("user_id"),
        progress.c.course_slug == bindparam("slug"),
        progress.c.module_stem == bindparam("stem"),
    )


@cache
def _reading_statement(extras: tuple[str, ...]) -> Select[Any]:
    """The module page's own query (built once per set of extras; plain columns, no ORM
    object: the module page's hot path)."""
    return select(*_columns(extras)).where(_this_progress())


def _join_reading(statement: Select[Any]) -> Select[Any]:
    """The same columns added to the user loader's one-row query (a LEFT JOIN on the unique
    progress row of the user, course and module)."""
    extras = tuple(READING_EXTRAS)
    return statement.outerjoin(ModuleProgress.__table__, _this_progress()).add_columns(
        *_columns(extras)
    )


def _params(user_id: int, slug: str, stem: str, now: datetime) -> dict[str, Any]:
    params: dict[str, Any] = {"user_id": user_id, "slug": slug, "stem": stem}
    for extra in READING_EXTRAS.values():
        params.update(extra.params(now))
    return params


def _prefetch_params(view_args: Mapping[str, Any], user_id: int, now: datetime) -> Any:
    slug, stem = view_args.get("slug"), view_args.get("stem")
    if not isinstance(slug, str) or not isinstance(stem, str):
        return None
    return _params(user_id, slug, stem, now)


PREFETCH.setdefault(MODULE_ENDPOINT, Prefetch(_join_reading, _prefetch_params))


def read_module(
    user_id: int, slug: str, stem: str, now: datetime
) -> tuple[ProgressRow, ModuleReading] | None:
    """The progress row and what was read with it; None when the user never opened the
    module. Taken from the user loader's query when it read them for this very module."""
    extras = tuple(READING_EXTRAS)
    found = prefetched(MODULE_ENDPOINT)
    if found is not None and (found.params.get("user_id"), found.params.get("slug"),
                              found.params.get("stem")) == (user_id, slug, stem):  # fmt: skip
        values = found.values
    else:
        # On the session's connection (its transaction), not Session.execute: the ORM's
        # execute path costs more than the query for a statement of plain columns.
        row = (
            db.session.connection()
            .execute(_reading_statement(extras), _params(user_id, slug, stem, now))
            .first()
        )
        if row is None:
            return None
        values = row._mapping
    if values[f"{PREFIX}progress_id"] is None:
        return None
    progress = ProgressRow(
        values[f"{PREFIX}first_opened_at"],
        values[f"{PREFIX}last_opened_at"],
        values[f"{PREFIX}completed_at"],
    )
    enrolled = bool(values[f"{PREFIX}enrolled"])
    read = {name: values[f"{PREFIX}{name}"] for name in extras}
    return progress, ModuleReading(user_id, slug, stem, enrolled, read)
