"""Mail preferences (account page) and one-click unsubscribe (the signed link in each mail).

``/unsubscribe/<token>``: GET (the link in the mail body) and POST (RFC 8058 one-click, sent by
the mail client from ``List-Unsubscribe-Post``) both turn that kind of mail off; the token is
the authority, so the POST needs no CSRF token and no login. Turning it back on is a normal,
CSRF-protected form.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from notifications import preferences
from training.extensions import csrf, db
from training.models import User

bp = Blueprint("notifications", __name__)


def _target(token: str) -> tuple[User, str]:
    found = preferences.read_token(token)
    user = db.session.get(User, found[0]) if found else None
    if user is None:
        abort(404)
    return user, found[1]


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> str | tuple[str, int]:
    user, kind = _target(token)
    preferences.set_wanted(user.id, kind, False)
    page = render_template(
        "notifications/unsubscribed.html",
        label=preferences.LABELS[kind],
        token=token,
        resubscribed=False,
    )
    return page


@bp.post("/unsubscribe/<token>/undo")
def resubscribe(token: str) -> str:
    user, kind = _target(token)
    preferences.set_wanted(user.id, kind, True)
    return render_template(
        "notifications/unsubscribed.html",
        label=preferences.LABELS[kind],
        token=token,
        resubscribed=True,
    )


@bp.post("/account/notifications")
@login_required
def save_preferences() -> Response:
    chosen = set(request.form.getlist("kind"))
    for kind in preferences.kinds_for(current_user):
        preferences.set_wanted(current_user.id, kind, kind in chosen)
    flash(_("Your mail preferences are saved."), "success")
    return redirect(url_for("auth.account", _anchor="notifications"))


def mail_preferences() -> list[tuple[str, str, bool]]:
    """(kind, label, wanted) for the account page's form."""
    if not current_user.is_authenticated:
        return []
    off = preferences.opted_out(current_user.id)
    kinds = preferences.kinds_for(current_user)
    return [(k, str(preferences.LABELS[k]), k not in off) for k in kinds]


def init_notifications(app: Flask) -> None:
    from notifications import digest, notices, reminders  # noqa: F401 - register their tasks

    app.register_blueprint(bp)
    app.add_template_global(mail_preferences)
    notices.connect()
