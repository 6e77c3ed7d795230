"""Block attestations: issue one (the learner, once the block is attained) and download it.

Thin: the rules are in ``blocks.issuing``. Unknown course, block or code, and anyone who may
not see it, get the same 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blocks import issuing, sections
from blocks import models as _models  # noqa: F401  (registers the table)
from certificates.errors import NotAllowed
from courses.loader import get_course
from training.forms import EmptyForm

bp = Blueprint("blocks", __name__)
sections.register()


@bp.post("/courses/<slug>/blocks/<block_id>/attestation")
@login_required
def issue(slug: str, block_id: str) -> Response:
    from courses.services import is_enrolled

    course = get_course(slug)
    if course is None or course.block(block_id) is None or not is_enrolled(current_user.id, slug):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attestation = issuing.issue(current_user, course, block_id)
    except issuing.BlockNotAttained:
        flash(_("This block is not attained yet: its attestation is not available."), "error")
        return redirect(url_for("courses.course", slug=slug) + "#blocks-title")
    return redirect(url_for("blocks.download", code=attestation.code))


@bp.get("/attestations/<code>.pdf")
def download(code: str) -> Response:
    try:
        attestation = issuing.for_download(current_user, code)
    except NotAllowed:
        abort(404)
    if not attestation.pdf_size:  # revoked at an erased holder's request: no copy kept
        abort(404)
    response = Response(attestation.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{issuing.pdf_filename(attestation)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    response.set_etag(attestation.pdf_sha256)
    return response.make_conditional(request)
