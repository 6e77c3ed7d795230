"""Home page and health check."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from training import accounts

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str | Response:
    # Logged-in users land on their learning dashboard once the courses feature provides it.
    if current_user.is_authenticated and "courses.dashboard" in current_app.view_functions:
        return redirect(url_for("courses.dashboard"))
    return render_template("home.html")


@bp.get("/healthz")
def health() -> tuple[dict[str, str], int]:
    accounts.database_is_up()
    return {"status": "ok"}, 200
