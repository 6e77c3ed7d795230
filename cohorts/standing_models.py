"""Each learner's standing in a course, kept so cohort pages can sort, filter and count in SQL.

A ``LearnerStanding`` row holds what the dashboard sorts, filters and charts by (percent of
the requirements met, complete, last activity, average quiz grade, risk facts), computed by the
one progress service (``certificates.progress``) — a cache of its figures, never a second set
of rules. Correctness rests on a generation counter:

- every write to what a standing is computed from (module progress, quiz attempts, role-play
  runs, second chances, certificates), through the ORM or an ORM-enabled ``update()`` /
  ``delete()``, bumps ``generation`` in the same transaction (``_invalidate``, below);
- ``cohorts.standings.refresh`` recomputes rows whose ``computed_generation`` differs (or whose
  course version changed, or that do not exist yet) and stores the result only if
  ``generation`` is still the one it read, so a learner's write that lands meanwhile leaves
  the row stale for the next page view instead of losing it.

Rows written with plain Core inserts (bulk seeding) have no standing yet: a missing row is
stale, so the first page view computes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    event,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from training.extensions import db


class LearnerStanding(db.Model):
    __tablename__ = "learner_standings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_slug: Mapped[str] = mapped_column(String(80), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    computed_generation: Mapped[int | None] = mapped_column(Integer)
    course_version: Mapped[str | None] = mapped_column(String(64))
    met_count: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    percent: Mapped[float] = mapped_column(Float, default=0.0)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    last_activity: Mapped[datetime | None] = mapped_column(DateTime)
    quiz_average: Mapped[float | None] = mapped_column(Float)  # None: no quiz graded yet
    quiz_failed: Mapped[bool] = mapped_column(Boolean, default=False)  # unlimited, none passed
    second_chances: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime | None] = mapped_column(DateTime)


def _tracked() -> tuple[type, ...]:
    from certificates.models import Certificate
    from courses.models import ModuleProgress
    from courses.overrides import Override
    from courses.roleplay_models import RoleplayRun
    from quizzes.models import Attempt

    return (ModuleProgress, Attempt, RoleplayRun, Override, Certificate)


def bump(connection: Any, pairs: set[tuple[int, str]]) -> None:
    """Mark these (user id, course slug) standings stale: generation + 1 (row made if absent)."""
    if not pairs:
        return
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = LearnerStanding.__table__
    for user_id, slug in sorted(pairs):
        statement = insert(table).values(user_id=user_id, course_slug=slug, generation=1)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.user_id, table.c.course_slug],
                set_={"generation": table.c.generation + 1},
            )
        )


@event.listens_for(Session, "after_flush")
def _invalidate(session: Session, _context: Any) -> None:
    tracked = _tracked()
    pairs: set[tuple[int, str]] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, tracked):
            user_id, slug = (
                getattr(instance, "user_id", None),
                getattr(instance, "course_slug", None),
            )
            if user_id is not None and slug is not None:
                pairs.add((user_id, slug))
    if pairs:
        bump(session.connection(), pairs)


@event.listens_for(Session, "do_orm_execute")
def _invalidate_bulk(state: Any) -> None:
    """``update(Attempt).where(...)`` and the like: find whose rows it touches, first."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    entity = state.bind_mapper.class_
    if entity not in _tracked():
        return
    where = state.statement.whereclause
    query = select(entity.user_id, entity.course_slug).distinct()
    parameters = state.parameters
    if isinstance(parameters, list):  # ORM bulk update by primary key: the rows it names
        ids = [p["id"] for p in parameters if isinstance(p, dict) and "id" in p]
        query = query.where(entity.id.in_(ids))
        parameters = {}
    if where is not None:
        query = query.where(where)
    pairs = {(u, s) for u, s in state.session.connection().execute(query, parameters or {})}
    bump(state.session.connection(), pairs)
