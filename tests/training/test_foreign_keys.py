"""Foreign keys hold on SQLite too (training/sqlite_pragmas.py): a row cannot point at nothing,
ON DELETE rules run, and migrations that rebuild a referenced table keep what points at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from training import create_app
from training.extensions import db
from training.sqlite_pragmas import violations

ROOT = Path(__file__).resolve().parents[2]


def test_a_membership_cannot_point_at_a_user_who_is_not_there(app: Any) -> None:
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("INSERT INTO cohort_members (cohort_id, user_id, joined_at) VALUES (:c, :u, :t)"),
            {"c": 987654, "u": 987655, "t": "2026-12-02 10:00:00"},
        )
        db.session.flush()
    db.session.rollback()


def test_deleting_a_user_deletes_their_memberships_in_the_database(
    app: Any, make_user: Any
) -> None:
    from cohorts.services import CohortFields, create_cohort, join

    trainer = make_user(role="trainer")
    learner = make_user()
    cohort = create_cohort(trainer, CohortFields("FK", "cap-apm", None, None))
    join(learner, cohort)
    db.session.commit()
    db.session.execute(text("DELETE FROM users WHERE id = :id"), {"id": learner.id})
    remaining = db.session.execute(
        text("SELECT count(*) FROM cohort_members WHERE user_id = :id"), {"id": learner.id}
    ).scalar()
    assert remaining == 0  # ON DELETE CASCADE, run by the database itself
    db.session.rollback()


def _fill(table: str, values: dict[str, Any]) -> None:
    """Insert one row: ``values``, and a placeholder in every other NOT NULL column."""
    placeholders = {"INTEGER": 1, "FLOAT": 1.0, "BOOLEAN": 0, "DATE": "2026-01-01"}
    row = dict(values)
    for _cid, name, kind, notnull, default, pk in db.session.execute(
        text(f"PRAGMA table_info({table})")
    ):
        if notnull and not pk and default is None and name not in row:
            kind = kind.upper()
            if kind.startswith("DATETIME"):
                row[name] = "2026-01-01 00:00:00"
            else:
                row[name] = placeholders.get(kind, b"%PDF" if kind == "BLOB" else f"{name}-1")
    columns = ", ".join(row)
    db.session.execute(
        text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + c for c in row)})"), row
    )


def test_a_migration_that_rebuilds_a_referenced_table_keeps_what_points_at_it(
    tmp_path: Path,
) -> None:
    """On its own SQLite file, whichever database the suite runs on.

    i11_certificate_cohort rebuilds ``certificates`` (batch mode: copy, drop, rename); a
    credential points at the certificate with ON DELETE RESTRICT. With foreign keys enforced
    during the migration, the drop would fail; migrations/env.py turns them off for it."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/m.db"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="i11_invitations")
        _fill("users", {"id": 1, "email": "fk@example.test", "role": "learner", "language": "fr"})
        _fill(
            "certificates",
            {"id": 1, "user_id": 1, "status": "valid", "language": "fr", "current_key": "fk-1"},
        )
        _fill("credential_status_entries", {"id": 1, "list_number": 1, "list_index": 0})
        _fill("credentials", {"id": 1, "certificate_id": 1, "status_entry_id": 1})
        db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert violations(connection) == []
            assert connection.exec_driver_sql("SELECT certificate_id FROM credentials").all() == [
                (1,)
            ]
        db.session.remove()
        db.engine.dispose()
