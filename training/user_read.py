"""The user loader's read, outside the request's transaction, and a User made from its row
(issue 19, item 1).

Every signed-in request starts with one SELECT: the user, their server session and what the
view prefetches (training.prefetch). Through the request's ORM session it cost, on PostgreSQL,
a ``BEGIN`` round trip before it and a ``ROLLBACK`` at the end of the request (a module re-read
reads nothing else: three round trips for one query), plus the ORM's loading machinery, more
than the query itself. So:

- :func:`read_first` runs the statement on a pooled connection of its own, in autocommit on
  PostgreSQL (one statement is one snapshot, as in the READ COMMITTED transaction it replaces;
  SQLite's driver starts no transaction for a SELECT anyway), and gives the connection back.
- :func:`attach_user` makes the :class:`User` from the row's columns and adds it to the
  request's session as a persistent object, with no SQL (SQLAlchemy's transient → detached →
  persistent, history reset as though loaded by a query). The request uses it as before: lazy
  loads and changes go through the request's session, whose transaction begins only when the
  request asks the database something else. If the session already holds that user (tests
  keep one session across requests), that instance is used, as an ORM query would.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from training.extensions import db
from training.models import User

PREFIX = "user_"  # of the user's columns' labels in the loader's row


@cache
def user_columns() -> tuple[Any, ...]:
    """The User's mapped columns, labelled ``user_<attribute>``."""
    return tuple(
        prop.columns[0].label(f"{PREFIX}{prop.key}") for prop in inspect(User).column_attrs
    )


@cache
def _attribute_keys() -> tuple[str, ...]:
    return tuple(prop.key for prop in inspect(User).column_attrs)


def read_first(statement: Select[Any], params: Mapping[str, Any]) -> Row[Any] | None:
    """The first row of a Core ``statement``, read outside the request's transaction."""
    connection = db.engine.connect()
    if connection.dialect.name != "sqlite":
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
    with connection:
        return connection.execute(statement, params).first()


def attach_user(values: Mapping[str, Any]) -> User:
    """The persistent User of the row's ``user_*`` columns, in ``db.session``."""
    session = db.session()
    existing = session.identity_map.get(identity_key(User, values[f"{PREFIX}id"]))
    if existing is not None:
        return existing
    user = User(**{key: values[f"{PREFIX}{key}"] for key in _attribute_keys()})
    make_transient_to_detached(user)
    session.add(user)
    return user
