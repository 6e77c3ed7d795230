"""Pages of the certificates feature."""

from __future__ import annotations

from flask import Blueprint

from certificates import models  # noqa: F401 - registers the tables

bp = Blueprint("certificates", __name__)
