"""Forms of the erasure pages (Flask-WTF: each carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from privacy.erasure import REASON_MAX

KEEP, REVOKE = "keep", "revoke"


class DeleteAccountForm(FlaskForm):
    certificates = RadioField(
        _l("Your certificates"),
        choices=[
            SelectChoice(
                KEEP,
                _l(
                    "Keep them verifiable: each stays as issued, with your name on it, and "
                    "nothing else of you is kept"
                ),
            ),
            SelectChoice(
                REVOKE,
                _l(
                    "Revoke them: their verification page will say they were revoked at the "
                    "holder's request"
                ),
            ),
        ],
        default=KEEP,
        validators=[InputRequired()],
    )
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )


class AdminEraseForm(FlaskForm):
    certificates = RadioField(
        _l("Their certificates"),
        choices=[
            SelectChoice(KEEP, _l("Keep them verifiable, as issued")),
            SelectChoice(REVOKE, _l("Revoke them (reason: the holder's request)")),
        ],
        default=KEEP,
        validators=[InputRequired()],
    )
    reason = TextAreaField(
        _l("Reason (kept in the audit log)"),
        validators=[DataRequired(), Length(max=REASON_MAX)],
    )
