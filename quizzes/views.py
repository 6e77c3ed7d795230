"""Pages of the quizzes feature."""

from __future__ import annotations

from flask import Blueprint

from quizzes import models as _models  # noqa: F401  (registers the tables)

bp = Blueprint("quizzes", __name__)
