"""Pages of the courses feature."""

from __future__ import annotations

from flask import Blueprint

from courses import models as _models  # noqa: F401  (registers the tables)

bp = Blueprint("courses", __name__)
