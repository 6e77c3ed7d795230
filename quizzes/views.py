"""Pages of the quizzes feature."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("quizzes", __name__)
