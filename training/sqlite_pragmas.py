"""SQLite enforces foreign keys only when each connection asks (``PRAGMA foreign_keys``); the
embedded database of ``make run`` and the SQLite test pass then keep the same constraints as
PostgreSQL: a row cannot point at a user, cohort or certificate that is not there, and
``ON DELETE`` rules run.

Migrations turn enforcement off for their own connection (``migrations/env.py``): Alembic's batch
mode rebuilds a table by copying it and dropping the original, which would otherwise fire the
``ON DELETE`` rules of every row that points at it. ``foreign_key_check`` afterwards proves that
what the migration left is consistent.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


def enforce_foreign_keys(engine: Engine) -> None:
    """Every new connection of this SQLite ``engine`` enforces foreign keys."""
    event.listen(engine, "connect", _foreign_keys_on)


def _foreign_keys_on(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def violations(connection: Any) -> list[tuple[Any, ...]]:
    """Rows that point at nothing: (table, rowid, referred table, constraint index)."""
    return [tuple(row) for row in connection.exec_driver_sql("PRAGMA foreign_key_check")]
