"""Account and admin forms (WTForms through Flask-WTF, so every form carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError
from wtforms.validators import Email as WTFormsEmail

from training.email_check import email_validator_module
from training.models import ROLES
from training.passwords import MAX_LENGTH, MIN_LENGTH
from training.text_safety import MESSAGE as UNSAFE_NAME_MESSAGE
from training.text_safety import unprintable_characters, unprintable_message, unsafe_characters


class Email(WTFormsEmail):
    """WTForms' email check, with email-validator imported (and told to accept the reserved
    ".test" domain) on the first check rather than at start-up (training.email_check)."""

    def __call__(self, form: FlaskForm, field: EmailField) -> None:
        email_validator_module()
        super().__call__(form, field)


class SafeName:
    """Refuses control, invisible-formatting and non-characters (see training.text_safety)."""

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        if field.data and unsafe_characters(field.data):
            raise ValidationError(str(UNSAFE_NAME_MESSAGE))


class PrintedName(SafeName):
    """A name printed on certificates: also only characters their fonts can draw."""

    def __call__(self, form: FlaskForm, field: StringField) -> None:
        super().__call__(form, field)
        missing = unprintable_characters(field.data or "")
        if missing:
            raise ValidationError(unprintable_message(missing))


LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("fr", "Français")]


def _new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password", "minlength": MIN_LENGTH},
        description=_l(
            "%(min)d to %(max)d characters; not a common password, nor your name or email "
            "address. A few unrelated words are easy to remember.",
            min=MIN_LENGTH,
            max=MAX_LENGTH,
        ),
    )


class RegisterForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    display_name = StringField(
        _l("Display name"),
        validators=[DataRequired(), Length(max=80), SafeName()],
        render_kw={"autocomplete": "nickname"},
        description=_l("Shown to your trainer and on the platform."),
    )
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(max=160), PrintedName()],
        render_kw={"autocomplete": "name"},
        description=_l("Printed on your certificates exactly as written here."),
    )
    password = _new_password_field(_l("Password"))
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    privacy_consent = BooleanField(
        _l("I have read the privacy notice"),
        validators=[
            DataRequired(
                message=_l("To create an account, confirm that you have read the privacy notice.")
            )
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )  # fmt: skip


class ResendConfirmationForm(ForgotPasswordForm):
    """The same single address field: where to send a new confirmation link."""


class EndSessionsForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class SetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Display name"), validators=[DataRequired(), Length(max=80), SafeName()]
    )
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(max=160), PrintedName()],
        description=_l("Printed on certificates issued from now on."),
    )


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    next = HiddenField()


ROLE_LABELS = {"learner": _l("Learner"), "trainer": _l("Trainer"), "admin": _l("Administrator")}


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r, ROLE_LABELS[r]) for r in ROLES])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token (logout, mark as done, one-click actions)."""
