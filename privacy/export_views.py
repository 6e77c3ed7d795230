"""Pages of "download my data": ask on the account page, download from the mailed link.

``POST /account/data-export`` asks (CSRF-protected; the account page shows where it stands);
``GET /account/data-export/<token>`` serves the ZIP once, to its owner only (logged in), as an
attachment. Anyone else, and unknown tokens, get a 404; the owner's spent or expired link a
410 page that offers a new export.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from privacy import export
from privacy.views import bp
from training.forms import EmptyForm


@bp.post("/account/data-export")
@login_required
def request_export() -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        export.request_export(current_user)
    except export.ExportError as exc:
        flash(str(exc), "warning")
    else:
        flash(
            _("We are preparing your data. You will get a mail with a download link."),
            "success",
        )
    return redirect(url_for("auth.account", _anchor="your-data"))


@bp.get("/account/data-export/<token>")
@login_required
def download_export(token: str) -> Response | tuple[str, int]:
    try:
        record, data = export.download(token, current_user)
    except export.ExportNotFound:
        abort(404)
    except export.ExportGone:
        return render_template("privacy/export_gone.html", form=EmptyForm()), 410
    filename = f"passerelle-data-{record.created_at:%Y-%m-%d}.zip"
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def data_export_status() -> dict[str, Any] | None:
    """The signed-in user's latest export, for the account page's "Your data" section."""
    if not current_user.is_authenticated:
        return None
    latest = export.latest_for(current_user)
    return {"latest": latest, "form": EmptyForm()}
