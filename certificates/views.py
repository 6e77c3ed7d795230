"""Pages of the certificates feature: my certificates, downloads, public verification,
revocation and the cohort ZIP. Thin: every rule is in ``certificates.services`` (and the
modules it gathers)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blocks import verification as block_verification
from certificates import demo as _demo  # noqa: F401  (registers the demo loader)
from certificates import models, sections, services, uploads  # models: registers the tables
from certificates.forms import CodeForm, RevokeForm, UploadForm
from certificates.status_labels import status_label
from credentials import services as credentials
from training.extensions import limiter
from training.forms import EmptyForm

bp = Blueprint("certificates", __name__)
bp.add_app_template_filter(status_label, "certificate_status")
sections.register()


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


# One budget shared by every verification page, so codes cannot be enumerated across them.
verify_limit = limiter.shared_limit(_verify_limit, scope="certificate-verify")


@bp.get("/certificates")
@login_required
def mine() -> str:
    certificates = services.certificates_of(current_user.id)
    name = services.printed_name(current_user)
    outdated = [c for c in certificates if c.is_valid and c.holder_name != name]
    return render_template(
        "certificates/mine.html",
        certificates=certificates,
        outdated=outdated,
        reissue_form=EmptyForm(),
        with_credential=credentials.certificates_with_credentials([c.id for c in certificates]),
    )


@bp.post("/certificates/reissue")
@login_required
def reissue() -> Response:
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    reissued = services.reissue_for_name_change(current_user, current_user)
    if reissued:
        flash(
            _("Reissued %(count)d certificate(s) with the name %(name)s.",
              count=len(reissued), name=current_user.full_name),
            "success",
        )  # fmt: skip
    else:
        flash(_("Your certificates already show your current name."), "info")
    return redirect(url_for("certificates.mine"))


@bp.get("/certificates/<code>.pdf")
def download(code: str) -> Response:
    try:
        certificate = services.certificate_for_download(current_user, code)
    except services.NotAllowed:
        abort(404)
    if not certificate.pdf_size:  # revoked at an erased holder's request: no copy kept
        abort(404)
    response = Response(certificate.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{services.pdf_filename(certificate)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    response.set_etag(certificate.pdf_sha256)
    return response.make_conditional(request)


@bp.get("/certificates/<code>/credential.jwt")
def credential_jwt(code: str) -> Response:
    """The signed credential for a wallet (VC-JWT), exactly as issued."""
    certificate, row = _credential_for_download(code)
    return _credential_response(certificate, row.jwt, "application/vc+jwt", ".jwt")


@bp.get("/certificates/<code>/credential.json")
def credential_json(code: str) -> Response:
    """The same credential decoded, as readable JSON (it carries no signature of its own)."""
    certificate, row = _credential_for_download(code)
    return _credential_response(certificate, credentials.decoded_json(row), "application/json")


def _credential_for_download(code: str):  # noqa: ANN202 - (Certificate, IssuedCredential)
    try:
        certificate = services.certificate_for_download(current_user, code)
    except services.NotAllowed:
        abort(404)
    row = credentials.credential_of_certificate(certificate.id)
    if row is None or credentials.is_erased(row):  # none, or erased with its holder
        abort(404)
    return certificate, row


def _credential_response(
    certificate: models.Certificate, body: str, mimetype: str, suffix: str = ".json"
) -> Response:
    response = Response(body, mimetype=mimetype)
    name = services.pdf_filename(certificate).removeprefix("certificate-").removesuffix(".pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="credential-{name}{suffix}"'
    response.headers["Cache-Control"] = "private, no-cache"
    response.set_etag(services.sha256_hex(body.encode("utf-8")))
    return response.make_conditional(request)


@bp.post("/certificates/<code>/revoke")
@login_required
def revoke(code: str) -> str | Response:
    certificate = services.get_by_code(code)
    if certificate is None or not services.can_revoke(current_user, certificate):
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _verification_page(certificate, revoke_form=form), 400
    try:
        services.revoke(certificate, current_user, form.reason.data)
    except services.NotAllowed:
        abort(404)
    except services.CertificateError as exc:
        flash(str(exc), "error")
    else:
        flash(_("The certificate is revoked."), "success")
    return redirect(url_for("certificates.verify", code=certificate.code))


@bp.get("/verify")
@verify_limit
def verify_form() -> str | Response:
    form = CodeForm(request.args)
    not_found = False
    if "code" in request.args and form.validate():
        code = services.normalise_code(form.code.data)
        if services.get_by_code(code) is not None or block_verification.exists(code):
            return redirect(url_for("certificates.verify", code=code))
        not_found = True
    page = render_template(
        "certificates/verify_form.html",
        form=form,
        upload=UploadForm(),
        not_found=not_found,
        checked=False,
    )
    return page, 404 if not_found else 200  # type: ignore[return-value]


@bp.post("/verify")
@verify_limit
def verify_upload() -> Response:
    upload = UploadForm()
    checked = upload.validate_on_submit()
    result = uploads.check_upload(upload.pdf.data.read()) if checked else None
    page = render_template(
        "certificates/verify_form.html",
        form=CodeForm(formdata=None),
        upload=upload,
        not_found=False,
        checked=checked,
        result=result,
    )
    # Whoever uploads, the answer is about one person's certificate: no cache keeps it.
    return Response(page, headers={"Cache-Control": "no-store"})


@bp.get("/verify/<code>")
@verify_limit
def verify(code: str) -> str:
    certificate = services.get_by_code(code)
    if certificate is None:
        # Not a certificate: perhaps a block attestation (same codes, same page address).
        page = block_verification.page(code)
        if page is None:
            abort(404)
        return page
    return _verification_page(certificate)


@bp.get("/verify/<code>.json")
@verify_limit
def verify_json(code: str) -> Response:
    certificate = services.get_by_code(code)
    if certificate is None:
        block = block_verification.json_of(code)
        if block is None:
            abort(404)
        return jsonify(block)
    summary = credentials.summary_for_certificate(certificate.id)
    return jsonify(
        {
            **services.verification_of(certificate).to_json(),
            "credential": summary.to_json() if summary is not None else None,
        }
    )


@bp.get("/cohorts/<int:cohort_id>/certificates.zip")
def cohort_zip(cohort_id: int) -> Response:
    try:
        filename, chunks = services.cohort_zip(current_user, cohort_id)
    except services.NotAllowed:
        abort(404)
    # Streamed: each PDF is sent as soon as it is written (certificates/export.py).
    response = Response(stream_with_context(chunks), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _verification_page(
    certificate: models.Certificate, revoke_form: RevokeForm | None = None
) -> str:
    can_revoke = services.can_revoke(current_user, certificate)
    return render_template(
        "certificates/verify.html",
        v=services.verification_of(certificate),
        can_download=services.can_download(current_user, certificate),
        revoke_form=(revoke_form or RevokeForm(formdata=None)) if can_revoke else None,
        verify_url=services.verify_url(certificate.code),
        credential=credentials.summary_for_certificate(certificate.id),
        history=_history(certificate),
    )


def _history(certificate: models.Certificate) -> list:
    """The certificate's audit events, for those who may revoke or reissue it."""
    from certificates.revocation import may_act_on
    from training import audit

    if not current_user.is_authenticated or not may_act_on(current_user, certificate):
        return []
    return audit.events(certificate_id=certificate.id)
