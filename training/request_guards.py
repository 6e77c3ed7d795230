"""Input that no view should ever see: ids beyond the database's integers, NUL bytes.

Contract: installed on the app by :func:`init_request_guards` before any blueprint is
registered, so every route gets it without asking.

- ``<int:...>`` in a route only matches 0 … 2**31 − 1 (PostgreSQL's ``INTEGER``, the type of
  every primary key here). A larger number is a 404 like any unknown id, instead of an
  ``OverflowError`` from the database driver (SQLite stops at 2**63 − 1).
- A NUL byte anywhere in the path, the query string, a form field's name or value, or an
  uploaded file's name is a 400 before the view runs: file systems (``embedded null byte``) and
  PostgreSQL (text cannot hold NUL) refuse it, and no legitimate client sends one.

Never raises anything but the 400 it means.
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, Map

#: The largest value of the database's ``INTEGER`` columns (PostgreSQL: 4 bytes, signed).
DB_INT_MAX = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """Werkzeug's ``int`` converter, bounded to what an ``INTEGER`` column can hold."""

    def __init__(
        self,
        map: Map,  # noqa: A002 - Werkzeug's own parameter name
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002
        max: int | None = None,  # noqa: A002
        signed: bool = False,
    ) -> None:
        bound = DB_INT_MAX if max is None or max > DB_INT_MAX else max
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bound, signed=signed)


NUL = "\x00"


def _has_nul(values: object) -> bool:
    return any(NUL in key or NUL in value for key, value in values.items(multi=True))  # type: ignore[attr-defined]


def reject_nul_bytes() -> None:
    """``before_request``: a NUL byte in the path, query or form is a 400."""
    if NUL in request.path or _has_nul(request.args):
        abort(400)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if _has_nul(request.form):
            abort(400)
        if any(NUL in (f.filename or "") for f in request.files.values()):
            abort(400)


def init_request_guards(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIntConverter
    app.before_request(reject_nul_bytes)
