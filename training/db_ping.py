"""A pooled database connection is pinged before use only when it sat idle for a while.

SQLAlchemy's ``pool_pre_ping`` sends a ping on **every** checkout: on PostgreSQL one more round
trip per request, the largest part of a small page's database time (issue 19, item 1). A
connection given back to the pool a moment ago is alive unless the server went away in that
moment; one idle for long may have been closed by the server, a proxy or a restart. So the
ping is sent when the connection was idle for ``DATABASE_PING_AFTER_SECONDS`` (default 10; 0
pings on every checkout, like ``pool_pre_ping``). A failed ping raises ``DisconnectionError``,
which makes the pool discard that connection and open a fresh one (SQLAlchemy's documented
recipe for pessimistic disconnect handling), so the request never sees the dead connection.

SQLite needs no ping (a file, no server): nothing is installed for it.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

DEFAULT_PING_AFTER = 10.0
_CHECKED_IN = "passerelle_checked_in_at"


def install_idle_ping(engine: Engine, after_seconds: float = DEFAULT_PING_AFTER) -> None:
    """Ping ``engine``'s pooled connections on checkout when idle ``after_seconds`` or more."""
    dialect = engine.dialect

    @event.listens_for(engine.pool, "connect")
    def _connected(dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()  # just opened: alive

    @event.listens_for(engine.pool, "checkin")
    def _checked_in(dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.get(_CHECKED_IN, 0.0)
        if time.monotonic() - since < after_seconds:
            return  # used a moment ago: alive
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:  # the driver's own error for a dead connection
            raise exc.DisconnectionError() from error
        if not alive:
            raise exc.DisconnectionError()
