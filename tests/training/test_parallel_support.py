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
