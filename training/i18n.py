"""Language choice: the user's stored language, else the session's, else Accept-Language."""

from __future__ import annotations

from functools import cache, cached_property

from babel import support
from flask import Request, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from wtforms.i18n import messages_path


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, mails sent from a script: force_locale decides
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


@cache
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class LocalisedRequest(Request):
    """The request class: serves Flask-WTF the WTForms catalogue from a process-wide cache.

    Flask-WTF looks for ``request.wtforms_translations`` and otherwise parses WTForms' .mo file
    on every request; on a page with three small forms that was a tenth of the request's time.
    Computed lazily, so requests without forms never look at the locale.
    """

    @cached_property
    def wtforms_translations(self) -> support.Translations:
        return _wtforms_translations(str(get_locale()))
