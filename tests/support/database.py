"""Test databases: a fresh SQLite file, or the PostgreSQL of TEST_DATABASE_URL, built by the
real Alembic migrations once per test session and emptied between tests.

Under pytest-xdist each worker process is its own test session with its own database: the
SQLite file lives in the worker's temporary directory, and the PostgreSQL database gets the
worker's name as a suffix (``passerelle_test`` → ``passerelle_test_gw0``, ``…_gw1``), so
workers never see each other's rows."""

from __future__ import annotations

import os

import psycopg
from sqlalchemy.engine import make_url


def xdist_worker() -> str:
    """This pytest-xdist worker's name (``gw0``, ``gw1``…), or ``""`` without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def per_worker_url(url: str, worker: str | None = None) -> str:
    """``url`` with the database name suffixed by the xdist worker's name (unchanged alone)."""
    worker = xdist_worker() if worker is None else worker
    if not worker:
        return url
    parsed = make_url(url)
    name = f"{parsed.database or 'passerelle_test'}_{worker}"
    return parsed.set(database=name).render_as_string(hide_password=False)


def test_database_url(tmp_dir: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_dir}/test.sqlite3"
    url = per_worker_url(url)
    reset_postgres_database(url)
    return url


def reset_postgres_database(url: str) -> None:
    """Drop and recreate the test database so every run starts from migrations."""
    parsed = make_url(url)
    name = parsed.database or "passerelle_test"
    with psycopg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def empty_all_tables(db) -> None:  # noqa: ANN001 - the Flask-SQLAlchemy extension
    """Delete every row, children first, in one round trip: one string of DELETEs, sent by
    psycopg as one query on PostgreSQL (a test process waits for the server at each round
    trip, 32 per test otherwise, and a busy machine makes each wait long) and run by sqlite3's
    ``executescript`` on SQLite (whose ``execute`` takes one statement at a time: 32 trips
    through SQLAlchemy's execution were a fifth of the ``app`` fixture's time)."""
    db.session.rollback()
    bind = db.session.get_bind()
    preparer = bind.dialect.identifier_preparer
    tables = list(reversed(db.metadata.sorted_tables))
    script = "; ".join(f"DELETE FROM {preparer.format_table(table)}" for table in tables)
    connection = db.session.connection()
    if bind.dialect.name == "sqlite":
        # executescript commits first (nothing is pending after the rollback) and runs the
        # script in autocommit; the session's commit below then ends its own transaction.
        connection.connection.dbapi_connection.executescript(f"BEGIN; {script}; COMMIT;")
    else:
        connection.exec_driver_sql(script)
    db.session.commit()


def commits_without_fsync() -> None:
    """Test databases skip the wait for the disk at each commit: ``PRAGMA synchronous = OFF`` on
    SQLite, ``synchronous_commit = off`` on PostgreSQL (for this test process's connections).

    A test database is thrown away at the end of the run, so surviving a power cut is not a
    property it needs; the suite commits thousands of times and each commit otherwise waits for
    an fsync. Constraints, transactions, isolation and locking are unchanged: only that wait
    goes (on PostgreSQL a commit is still atomic and visible to every other session at once)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _no_fsync(dbapi_connection, _record) -> None:  # noqa: ANN001 - a DBAPI connection
        module = type(dbapi_connection).__module__
        if module.startswith("sqlite3"):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.close()
        elif module.startswith("psycopg"):
            autocommit = dbapi_connection.autocommit
            dbapi_connection.autocommit = True  # a plain SET, not undone by a rollback
            dbapi_connection.execute("SET synchronous_commit = off")
            dbapi_connection.autocommit = autocommit
