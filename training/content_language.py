"""Marking content whose language is not the page's (WCAG 3.1.2, language of parts).

A page's ``<html lang>`` is the interface language; a course edition's text (titles, modules,
quizzes, role-plays, certificates) is in the edition's language. Where the two differ, the
content is wrapped with its own ``lang`` so that a screen reader reads it with the right voice
and a browser hyphenates and translates it correctly. Templates call ``lang_attr(language)``
inside a tag (`` lang="en"``, or nothing when the languages are the same) and the filter
``in_lang(text, language)`` for a short text (a ``<span lang>``, or the escaped text alone).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from markupsafe import Markup, escape


def page_language() -> str:
    return str(get_locale() or "en")


def lang_attr(language: str | None) -> Markup:
    """`` lang="xx"`` when ``language`` is not the page's language, else an empty string."""
    if not language or language == page_language():
        return Markup("")
    return Markup(' lang="%s"') % language


def in_lang(text: object, language: str | None) -> Markup:
    """``text`` escaped, in a ``<span lang>`` when its language is not the page's."""
    if not language or language == page_language():
        return escape(text)
    return Markup('<span lang="%s">%s</span>') % (language, text)


def init_content_language(app: Flask) -> None:
    app.add_template_global(lang_attr, "lang_attr")
    app.add_template_filter(in_lang, "in_lang")
