"""Template globals shared by every page (language switcher, navigation)."""

from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import Field

from training import audit_labels, dates, numbers, typography
from training.content_language import init_content_language
from training.forms import EmptyForm, LanguageForm

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))  # fmt: skip
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))  # fmt: skip


def device_label(user_agent: str | None) -> str:
    """ "Firefox on Linux" from a User-Agent header (a hint for people, not a security check)."""
    agent = user_agent or ""
    browser = next((name for key, name in _BROWSERS if key in agent), None)
    system = next((name for key, name in _SYSTEMS if re.search(re.escape(key), agent)), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown browser")


def without_id(field: object) -> Markup | str:
    """A hidden field (CSRF token, ``next``) rendered without its ``id``: a page with several
    forms would otherwise repeat ``id="csrf_token"``. Empty when the form has no such field
    (CSRF off in tests)."""
    if isinstance(field, Field):
        return field(id=False)  # WTForms widgets return Markup
    return ""


def interface_colon() -> str:
    """ ": " after a label, with the no-break space French puts before it (``{{ colon() }}``)."""
    return typography.colon(str(get_locale() or "en"))


def init_templating(app: Flask) -> None:
    numbers.register_filters(app)
    dates.register_filters(app)
    init_content_language(app)

    app.add_template_filter(device_label, "device_label")
    app.add_template_filter(audit_labels.action_label, "audit_action")
    app.add_template_filter(without_id, "without_id")
    app.add_template_filter(typography.quote, "quoted")
    app.add_template_filter(typography.speaker, "speaker")
    # A global (not a context variable) so that imported macros see it too.
    app.add_template_global(interface_colon, "colon")

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
