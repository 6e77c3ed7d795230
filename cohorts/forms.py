"""Cohort forms (Flask-WTF: every form carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError


class CohortForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("For example: “CAP APM — spring 2027, Lyon”."),
    )
    course = SelectField(_l("Course"), validators=[DataRequired()], choices=[])
    starts_on = DateField(_l("Start date"), validators=[Optional()])
    ends_on = DateField(
        _l("End date"),
        validators=[Optional()],
        description=_l("Learners see it; work not complete by then is marked overdue."),
    )
    co_trainers = StringField(
        _l("Co-trainers"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Email addresses of other trainer accounts, separated by commas."),
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=2000)],
        description=_l("Optional: shown to learners on the join page."),
    )  # fmt: skip

    def validate_ends_on(self, field: DateField) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date comes before the start date."))

    def co_trainer_emails(self) -> tuple[str, ...]:
        raw = (self.co_trainers.data or "").replace(";", ",").replace("\n", ",")
        return tuple(part.strip() for part in raw.split(",") if part.strip())


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        description=_l(
            "One learner per line: email, then name. UTF-8, comma or semicolon, "
            "a header line is optional."
        ),
        render_kw={"accept": ".csv,text/csv,text/plain"},
    )


class SecondChanceForm(FlaskForm):
    """A trainer's second chance for one learner (the choices come from the learner's progress)."""

    action = SelectField(_l("Second chance"), validators=[DataRequired()], choices=[])
    attempts = IntegerField(
        _l("Extra attempts"),
        default=1,
        validators=[Optional(), NumberRange(min=1, max=5)],
        description=_l("Only for extra quiz attempts: from 1 to 5."),
        render_kw={"min": 1, "max": 5, "inputmode": "numeric"},
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(min=3, max=1000)],
        description=_l(
            "Kept in the record, shown in the gradebook and sent to the learner. "
            "For example: “absent for illness, module read again with me on 3 May”."
        ),
        render_kw={"rows": 3, "maxlength": 1000},
    )


class InviteOneForm(FlaskForm):
    """Invite one learner by address (the same path as a one-line CSV file)."""

    email = StringField(
        _l("Email"), validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "off", "type": "email"},
    )  # fmt: skip
    name = StringField(
        _l("Full name"),
        validators=[DataRequired(), Length(max=160)],
        description=_l("Used only if the address has no account yet."),
    )


class RemoveLearnerForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        id="remove-reason",  # the second-chance form on the same page has a "reason" too
        validators=[DataRequired(), Length(max=500)],
        description=_l("Kept in the audit log. The learner's work is kept."),
    )
