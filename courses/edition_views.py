"""Pages of course editions and glossaries: switching edition, and a course's glossary.

The routes live on the courses blueprint (``courses.views.bp``); the rules are in
``courses.edition_switch`` and ``courses.glossary``.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from courses import services
from courses.edition_switch import SwitchRefused, plan_switch, switch_edition
from courses.editions import ALSO_IN, editions_of
from courses.loader import get_catalogue
from courses.views import _course_or_404, bp
from training.content_language import page_language
from training.forms import EmptyForm


@bp.route("/courses/<slug>/edition", methods=["GET", "POST"], endpoint="switch_edition")
@login_required
def switch_edition_page(slug: str) -> str | Response:
    """GET: what switching to this edition keeps and leaves behind; POST: switch."""
    course = _course_or_404(slug)
    if services.is_enrolled(current_user.id, course.slug):
        return redirect(url_for(".course", slug=course.slug))
    try:
        plan = plan_switch(current_user, course)
    except SwitchRefused as refused:
        if refused.args[0] == "cohort":
            message = _("Your cohort follows another edition of this course. Ask your trainer.")
            flash(message, "error")
        return redirect(url_for(".course", slug=course.slug))
    form = EmptyForm()
    if form.is_submitted():
        if not form.validate():
            abort(400)
        switch_edition(current_user, course)
        flash(_("You now follow %(title)s.", title=course.title), "success")
        return redirect(url_for(".course", slug=course.slug))
    return render_template("courses/switch_edition.html", plan=plan, course=course, form=form)


@bp.get("/courses/<slug>/glossary")
def glossary(slug: str) -> str:
    """The course's glossary: public for an open course (like its media), else for readers."""
    course = _course_or_404(slug)
    if not course.glossary or (not course.open and not services.can_read(current_user, course)):
        abort(404)
    others = [c for c in editions_of(course, get_catalogue().courses.values()) if c != course]
    # The equivalents are in the other edition's language (English and French are bundled).
    other_language = others[0].language if others else ("en" if course.language == "fr" else "fr")
    return render_template("courses/glossary.html", course=course, other_language=other_language)


@bp.app_template_global("also_in")
def also_in(language: str) -> str:
    """ "Also in English", in the language it names (see courses.editions.ALSO_IN)."""
    return ALSO_IN.get(language, language)


@bp.app_template_global("language_name")
def language_name(language: str) -> str:
    """The name of ``language`` in the page's language ("anglais" on a French page)."""
    try:
        return Locale.parse(language).get_display_name(page_language()) or language
    except (ValueError, UnknownLocaleError):
        return language
