"""Flask-Migrate, bound to the app only when something migrates.

Importing Flask-Migrate imports Alembic and, through it, every SQLAlchemy dialect Alembic knows
(PostgreSQL, MySQL, MSSQL, Oracle): about a fifth of a second of a web worker's start, for a
worker that never migrates. So ``create_app`` registers two stand-ins instead:

- ``app.extensions["migrate"]`` is a :class:`_LazyMigrateConfig`: the first attribute read (by
  ``flask_migrate.upgrade()`` in a test, by ``migrations/env.py``) binds the real ``Migrate``
  to the app, which replaces the stand-in, and answers from the real configuration;
- ``flask db`` is a :class:`_LazyDbGroup`: when the command runs, it hands over to
  Flask-Migrate's own command group (same options, same subcommands, same help).

Nothing else changes: ``flask db upgrade``, ``flask db migrate`` and
``flask_migrate.upgrade(directory=...)`` behave as with ``Migrate(app, db)``.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask

#: The options this project always passes to Flask-Migrate (autogenerate compares column types;
#: batch mode so SQLite can alter tables).
MIGRATE_OPTIONS: dict[str, Any] = {"compare_type": True, "render_as_batch": True}


def init_migrate(app: Flask, db: Any, directory: str) -> None:
    """Register the stand-ins; Flask-Migrate is imported on first use."""
    app.extensions["migrate"] = _LazyMigrateConfig(app, db, directory)
    app.cli.add_command(_LazyDbGroup(app))


def bind(app: Flask) -> Any:
    """Bind the real Flask-Migrate to ``app`` (once); its ``app.extensions['migrate']``."""
    current = app.extensions.get("migrate")
    if isinstance(current, _LazyMigrateConfig):
        from flask_migrate import Migrate

        Migrate(app, current.db, directory=current.directory, **MIGRATE_OPTIONS)
    return app.extensions["migrate"]


class _LazyMigrateConfig:
    """Stands in for Flask-Migrate's ``_MigrateConfig`` until first read."""

    def __init__(self, app: Flask, db: Any, directory: str) -> None:
        self.app = app
        self.db = db
        self.directory = directory

    def __getattr__(self, name: str) -> Any:
        return getattr(bind(self.app), name)


class _LazyDbGroup(click.Group):
    """``flask db``: Flask-Migrate's group, imported when the command runs."""

    def __init__(self, app: Flask) -> None:
        super().__init__(name="db", help="Perform database migrations.")
        self.app = app

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> click.Context:
        bind(self.app)
        from flask_migrate.cli import db as real_group

        return real_group.make_context(info_name, args, parent=parent, **extra)
