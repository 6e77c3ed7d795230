"""The test suite runs in parallel (pytest-xdist): each worker gets a database of its own."""

from __future__ import annotations

from tests.support.database import per_worker_url, xdist_worker

URL = "postgresql+psycopg://postgres:s3cret@127.0.0.1:5432/passerelle_test"


def test_each_worker_gets_its_own_postgres_database() -> None:
    assert per_worker_url(URL, "gw3") == (
        "postgresql+psycopg://postgres:s3cret@127.0.0.1:5432/passerelle_test_gw3"
    )
    assert per_worker_url(URL, "") == URL


def test_the_session_database_is_this_workers(database_url: str) -> None:
    if database_url.startswith("postgresql") and xdist_worker():
        assert database_url.endswith(f"_{xdist_worker()}")


def test_emptying_the_tables_leaves_every_table_empty_and_the_session_usable(
    app, make_user, client
) -> None:
    """What each test's teardown does (tests/conftest.py): rows in several tables, children
    included, all gone in one script; the session then works as before."""
    from sqlalchemy import func, select

    from tests.support.database import empty_all_tables
    from training.extensions import db

    user = make_user()
    assert client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    counts = {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in db.metadata.sorted_tables
    }
    assert sum(1 for n in counts.values() if n) >= 2, (
        counts
    )  # the user and their audit/session rows
    empty_all_tables(db)
    counts = {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in db.metadata.sorted_tables
    }
    assert not any(counts.values()), counts
    make_user()  # and the session carries on
    assert db.session.scalar(select(func.count()).select_from(db.metadata.tables["users"])) == 1
