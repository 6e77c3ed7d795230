"""Pooled PostgreSQL connections are pinged only after sitting idle, and a connection the
server closed meanwhile is replaced before a request sees it (training.db_ping)."""

from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import create_engine, text

from training.db_ping import install_idle_ping

URL = os.environ.get("TEST_DATABASE_URL", "")
# PostgreSQL's pool only: `make test` runs these in its PostgreSQL pass and deselects them in
# the SQLite one (-m "not postgres"), so nothing is skipped there under CI=true.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not URL.startswith("postgresql"), reason="needs TEST_DATABASE_URL on PostgreSQL"
    ),
]


@pytest.fixture
def engine(database_url):
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    pings = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection):
        pings.append(time.monotonic())
        return ping(dbapi_connection)

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    engine.pings = pings  # type: ignore[attr-defined]
    yield engine
    engine.dispose()


def _backend(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(database_url: str, pid: int) -> None:
    other = create_engine(database_url)
    with other.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged(engine):
    install_idle_ping(engine, after_seconds=60)
    first = _backend(engine)
    assert _backend(engine) == first  # the same pooled connection, reused
    assert engine.pings == []


def test_an_idle_connection_the_server_closed_is_replaced(engine, database_url):
    install_idle_ping(engine, after_seconds=0)  # every checkout counts as idle
    first = _backend(engine)
    _terminate(database_url, first)
    second = _backend(engine)  # no error: the ping failed, the pool opened a new connection
    assert second != first
    assert engine.pings
