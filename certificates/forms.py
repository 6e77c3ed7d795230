"""Certificate forms: look a code up, upload a PDF to check it, revoke with a reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from certificates.revocation import REASON_MAX


class CodeForm(FlaskForm):
    """Sent with GET (it changes nothing), so it carries no CSRF token."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Certificate code"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("Printed under the QR code, at the bottom of the certificate."),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"},
    )


class UploadForm(FlaskForm):
    #: Named ``pdf`` for history; it also takes a credential file (``.jwt`` or ``.json``).
    pdf = FileField(
        _l("Certificate PDF or credential file"),
        validators=[FileRequired(_l("Choose the file to check."))],
        description=_l(
            "A certificate PDF, or a digital credential (.jwt or .json). The file is checked,"
            " then discarded."
        ),
        render_kw={"accept": "application/pdf,.pdf,.jwt,.json,application/json"},
    )


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[DataRequired(), Length(max=REASON_MAX)],
        description=_l("Shown publicly on the verification page."),
        render_kw={"rows": 3, "maxlength": REASON_MAX},
    )
