"""Passerelle's platform core: the application factory and what every feature shares."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import FileSystemBytecodeCache

from training.config import ROOT_DIR, Config


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI, error pages, headers."""
    app = Flask(
        __name__,
        instance_path=str(ROOT_DIR / "instance"),
        template_folder=str(ROOT_DIR / "templates"),
        static_folder=str(ROOT_DIR / "static"),
    )
    app.config.from_mapping(Config(app.instance_path).as_dict())
    if config:
        app.config.from_mapping(config)
    # No liveness ping on each checkout: a file database needs none, and a server's pooled
    # connections are pinged only after sitting idle (training/db_ping.py, installed below).
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        "pool_pre_ping": False,
    }
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # Compiled templates kept on disk (Jinja checks each template's source checksum), so a new
    # worker loads them instead of compiling every template again on its first pages.
    app.jinja_options = {**app.jinja_options, "bytecode_cache": FileSystemBytecodeCache()}
    if not app.testing:
        app.logger.setLevel(logging.INFO)

    from training.request_guards import init_request_guards

    init_request_guards(app)  # before the blueprints: their routes use its int converter
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)

    from training.errors import init_errors
    from training.security import init_security
    from training.templating import init_templating

    init_errors(app)
    init_security(app)
    init_templating(app)
    return app


def _init_extensions(app: Flask) -> None:
    from training.extensions import babel, csrf, db, limiter, login_manager
    from training.i18n import LocalisedRequest, select_locale
    from training.lazy_migrate import init_migrate

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from training.sqlite_pragmas import enforce_foreign_keys

        with app.app_context():
            enforce_foreign_keys(db.engine)
    else:
        from training.db_ping import install_idle_ping

        with app.app_context():
            install_idle_ping(db.engine, float(app.config["DATABASE_PING_AFTER_SECONDS"]))
    init_migrate(app, db, directory=str(ROOT_DIR / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT_DIR / "translations"),
    )
    app.request_class = LocalisedRequest
    from training.signed_cache import init_signed_cache

    init_signed_cache(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to open this page.")

    from training import sessions

    login_manager.user_loader(sessions.load_user)
    login_manager.request_loader(sessions.load_from_remember_cookie)
    app.after_request(sessions.write_remember_cookie)


def _register_blueprints(app: Flask) -> None:
    from certificates.views import bp as certificates_bp
    from courses.roleplay_views import bp as roleplays_bp
    from courses.views import bp as courses_bp
    from quizzes.views import bp as quizzes_bp
    from training.admin_views import bp as admin_bp
    from training.auth_views import bp as auth_bp
    from training.main_views import bp as main_bp

    for blueprint in (main_bp, auth_bp, admin_bp, courses_bp, quizzes_bp, certificates_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(roleplays_bp)
    from blocks.views import bp as blocks_bp

    app.register_blueprint(blocks_bp)
    from surveys.views import bp as surveys_bp

    app.register_blueprint(surveys_bp)
    from quality.views import bp as quality_bp

    app.register_blueprint(quality_bp)
    from cohorts.membership_views import bp as membership_bp
    from cohorts.views import bp as cohorts_bp

    app.register_blueprint(cohorts_bp)
    app.register_blueprint(membership_bp)
    from credentials.views import bp as credentials_bp

    app.register_blueprint(credentials_bp)
    from proof.views import bp as proof_bp

    app.register_blueprint(proof_bp)
    from courses.admin_views import bp as courses_admin_bp

    app.register_blueprint(courses_admin_bp)
    from privacy.erasure_views import init_erasure

    init_erasure(app)
    from privacy.views import init_privacy

    init_privacy(app)


def _register_cli(app: Flask) -> None:
    from training.lazy_cli import lazy_commands

    for command in lazy_commands():  # imported when they run: not by a web worker
        app.cli.add_command(command)
    from privacy import retention_tasks  # noqa: F401 - registers the daily retention task
    from privacy.cli import data_cli

    app.cli.add_command(data_cli)
    from training.queue import init_queue

    init_queue(app)
    from notifications.views import init_notifications

    init_notifications(app)
