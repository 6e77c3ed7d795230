"""Which mails a user gets: every kind is on until the user turns it off (account page) or
unsubscribes with the signed link in a mail. Account mails (confirmation, reset, invitations)
are not optional and have no kind here."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.links import external_url
from training.timeutil import utcnow

INACTIVITY = "inactivity"
DEADLINE = "deadline"
CERTIFICATE = "certificate"
TRAINER = "trainer"  # a trainer replied to a reflection or granted an extra attempt
DIGEST = "digest"

LABELS = {
    INACTIVITY: _l("A reminder when I have not been active in a course for a while"),
    DEADLINE: _l("A reminder when my group's end date is near and requirements are left"),
    CERTIFICATE: _l("A mail when a certificate is issued to me"),
    TRAINER: _l("A mail when a trainer replies to me or gives me another attempt"),
    DIGEST: _l("A weekly digest of my groups (trainers)"),
}
LEARNER_KINDS = (INACTIVITY, DEADLINE, CERTIFICATE, TRAINER)
KINDS = (*LEARNER_KINDS, DIGEST)
_SALT = "passerelle-unsubscribe"


class MailOptOut(db.Model):
    """A kind of mail a user does not want (absent: wanted)."""

    __tablename__ = "mail_opt_outs"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def kinds_for(user) -> tuple[str, ...]:  # noqa: ANN001 - a training.models.User
    return KINDS if user.is_trainer else LEARNER_KINDS


def opted_out(user_id: int) -> set[str]:
    return set(
        db.session.execute(select(MailOptOut.kind).where(MailOptOut.user_id == user_id)).scalars()
    )


def wants(user_id: int, kind: str) -> bool:
    return kind not in opted_out(user_id)


def set_wanted(user_id: int, kind: str, wanted: bool) -> None:
    """Turn one kind on or off (idempotent); commits."""
    if kind not in KINDS:
        raise ValueError(kind)
    if wanted:
        db.session.execute(
            delete(MailOptOut).where(MailOptOut.user_id == user_id, MailOptOut.kind == kind)
        )
        db.session.commit()
        return
    if kind in opted_out(user_id):
        return
    db.session.add(MailOptOut(user_id=user_id, kind=kind, created_at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError:  # a simultaneous click did it first
        db.session.rollback()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _serializer().dumps([user_id, kind])


def read_token(token: str) -> tuple[int, str] | None:
    """The (user id, kind) a token was made for, or None if it was not made by us."""
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or kind not in KINDS:
        return None
    return user_id, kind


def unsubscribe_url(user_id: int, kind: str) -> str:
    return external_url("notifications.unsubscribe", token=unsubscribe_token(user_id, kind))


def preferences_url() -> str:
    return external_url("auth.account", _anchor="notifications")
