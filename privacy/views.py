"""The privacy feature's blueprint and its wiring into the app (``init_privacy``)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("privacy", __name__)


def init_privacy(app: Flask) -> None:
    """Register the routes, the tables and the queue tasks of ``privacy/``."""
    from privacy import export_cli, export_tasks, export_views, notice  # noqa: F401 - routes, tasks, CLI

    app.register_blueprint(bp)
    app.add_template_global(export_views.data_export_status)
