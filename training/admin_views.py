"""Administration: list users and change their roles; content warnings for broken courses."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from training import accounts
from training.access import admin_required
from training.extensions import db
from training.forms import ROLE_LABELS, RoleForm
from training.models import User

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Other features add warnings here (e.g. courses left out because their files are broken).
ADMIN_WARNING_PROVIDERS: list = []


@bp.get("/users")
@admin_required
def users() -> str:
    query = request.args.get("q", "").strip()
    people = accounts.search_users(query)
    forms = {user.id: RoleForm(prefix=f"u{user.id}", role=user.role) for user in people}
    warnings = [w for provider in ADMIN_WARNING_PROVIDERS for w in provider()]
    return render_template(
        "admin/users.html",
        people=people,
        forms=forms,
        query=query,
        role_labels=ROLE_LABELS,
        warnings=warnings,
    )


@bp.post("/users/<int:user_id>/role")
@admin_required
def change_role(user_id: int) -> Response:
    user = db.get_or_404(User, user_id)
    form = RoleForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id and form.role.data != "admin":
        flash(_("You cannot remove your own administrator role."), "error")
    else:
        accounts.set_role(user, form.role.data, actor=current_user._get_current_object())
        current_app.logger.info(
            "Role of %s set to %s by %s", user.email, form.role.data, current_user.email
        )
        flash(
            _("%(name)s is now: %(role)s.", name=user.display_name, role=ROLE_LABELS[user.role]),
            "success",
        )
    return redirect(url_for("admin.users"))


from training import audit_views as _audit_views  # noqa: E402, F401 - its routes
