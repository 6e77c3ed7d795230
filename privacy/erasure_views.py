"""Erasure pages: the holder asks (password + certificate choice), confirms by the mail link,
sees the date and may cancel; an admin erases an account at once, with a reason."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from privacy import erasure
from privacy.erasure_forms import KEEP, AdminEraseForm, DeleteAccountForm
from training import sessions
from training.access import admin_required
from training.extensions import db
from training.forms import EmptyForm
from training.models import User
from training.page_cache import PERSONAL_LAYOUT

bp = Blueprint("erasure", __name__)
ERASURE_FLAG = "erasure_scheduled"  # read with the user on every request (training.sessions)


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def request_page() -> str | Response:
    user = current_user._get_current_object()
    form = DeleteAccountForm()
    pending = erasure.open_request(user.id)
    if form.validate_on_submit():
        try:
            erasure.request_erasure(
                user, form.password.data, keep_certificates=form.certificates.data == KEEP
            )
        except erasure.ErasureError as exc:
            form.password.errors.append(str(exc))
        else:
            flash(_("We have sent you a mail: open its link to confirm the deletion."), "success")
            return redirect(url_for("erasure.request_page"))
    return render_template(
        "privacy/delete_account.html", form=form, pending=pending, cancel_form=EmptyForm()
    )


@bp.route("/account/delete/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> str | Response:
    """GET shows a button; the POST confirms (mail scanners follow links: no change on GET)."""
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            request = erasure.confirm_erasure(token)
        except erasure.ErasureError:
            return render_template("privacy/delete_confirm.html", valid=False, form=form), 400  # type: ignore[return-value]
        return render_template("privacy/delete_scheduled.html", request=request)
    valid = erasure.find_pending(token) is not None
    status = 200 if valid else 400
    return render_template("privacy/delete_confirm.html", valid=valid, form=form), status  # type: ignore[return-value]


@bp.post("/account/delete/cancel")
@login_required
def cancel() -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        erasure.cancel_erasure(current_user._get_current_object())
    except erasure.ErasureError as exc:
        flash(str(exc), "error")
    else:
        flash(_("The deletion of your account is cancelled."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/admin/users/<int:user_id>/erase", methods=["GET", "POST"])
@admin_required
def admin_erase(user_id: int) -> str | Response:
    person = db.get_or_404(User, user_id)
    form = AdminEraseForm()
    if person.id == current_user.id:
        flash(_("To delete your own account, use your account page."), "error")
        return redirect(url_for("admin.users"))
    if erasure.is_erased(person):
        flash(_("This account is already erased."), "info")
        return redirect(url_for("admin.users"))
    if form.validate_on_submit():
        try:
            erasure.erase_user(
                person.id,
                actor_id=current_user.id,
                reason=form.reason.data,
                keep_certificates=form.certificates.data == KEEP,
            )
        except erasure.ErasureError as exc:
            form.reason.errors.append(str(exc))
        else:
            flash(_("The account is erased."), "success")
            return redirect(url_for("admin.users"))
    return render_template("privacy/admin_erase.html", form=form, person=person)


def erasure_banner() -> object | None:
    """The signed-in user's scheduled erasure (for the banner on every page), else None."""
    if not current_user.is_authenticated:
        return None
    return erasure.scheduled_request(current_user.id)


def init_erasure(app: Flask) -> None:
    from privacy import erasure_cli, erasure_tasks  # noqa: F401 - its command, its task

    app.register_blueprint(bp)
    app.add_template_global(erasure_banner)
    if _banner_shown not in PERSONAL_LAYOUT:
        PERSONAL_LAYOUT.append(_banner_shown)
    sessions.USER_FLAGS.setdefault(ERASURE_FLAG, erasure.scheduled_clause)


def _banner_shown() -> bool:
    """The banner is personal: a page showing it is never served from the page cache. Read
    with the user (training.sessions.USER_FLAGS), else asked."""
    flag = sessions.user_flag(ERASURE_FLAG)
    return flag if flag is not None else erasure.has_scheduled_request(current_user.id)
