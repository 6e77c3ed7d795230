"""Template globals shared by every page (language switcher, navigation)."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import get_locale

from training.forms import EmptyForm, LanguageForm
from training.numbers import register_filters


def init_templating(app: Flask) -> None:
    register_filters(app)

    @app.context_processor
    def shared_context() -> dict[str, object]:
        locale = str(get_locale() or "en")
        language_form = LanguageForm(
            formdata=None, language=locale, next=request.full_path.rstrip("?")
        )
        return {
            "current_locale": locale,
            "language_form": language_form,
            "logout_form": EmptyForm(formdata=None),
            "url_map_endpoints": app.view_functions,
        }
