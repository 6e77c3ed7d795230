"""Friendly error pages (400, 403, 404, 405, 413, 429, 500) in the user's language."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: (
        _l("Bad request"),
        _l(
            "The form could not be accepted, often because the page was open too long. Go back, "
            "reload the page and try again: what you saved is still there."
        ),
    ),
    403: (_l("Not allowed"), _l("Your account does not give access to this page.")),
    404: (_l("Page not found"), _l("There is nothing at this address.")),
    405: (_l("Not allowed"), _l("This page cannot be used this way.")),
    413: (
        _l("Too large"),
        _l("What you sent is larger than the platform accepts. Try a smaller file or text."),
    ),
    429: (
        _l("Too many attempts"),
        _l("Please wait a minute before trying again. Nothing you saved is lost."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error happened on our side. What you had saved is safe; try again."),
    ),
}


def render_error(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = MESSAGES.get(code) or MESSAGES[400 if code < 500 else 500]
    if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
        return {"error": str(title), "status": code}, code  # type: ignore[return-value]
    return render_template(
        "errors/error.html", code=code, title=title, message=message, detail=detail
    ), code


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return render_error(code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        app.logger.exception("Unhandled error on %s", request.path)
        from training.extensions import db

        db.session.rollback()
        return render_error(500)
