"""The table-by-table work of an erasure, as :mod:`privacy.erasure_rules` describes it.

:func:`handle_certificates` applies the holder's choice (keep verifiable, or revoke with the
reason "holder's request"); :func:`erase_rows` does the rest inside the caller's transaction
(no commit). Features that add tables holding personal data register a function in
:data:`ERASURE_HOOKS` (``hook(user, identity)``, no commit) and a rule in ``RULES``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from flask import current_app
from markupsafe import escape
from sqlalchemy import delete, or_, select, update

from blocks.models import REVOKED, VALID, BlockAttestation
from certificates import revocation
from certificates.models import Certificate, Status
from cohorts.replies import ReflectionReply
from courses.overrides import Override
from courses.roleplay_models import RoleplayRun
from credentials import services as credentials
from credentials.models import IssuedCredential
from notifications.preferences import KINDS, MailOptOut
from privacy.erasure_rules import ERASED_NAME, HOLDERS_REQUEST
from privacy.export_models import ExportRequest
from privacy.retention_models import InactivityWarning
from training import login_throttle
from training.audit import AuditEvent
from training.extensions import db
from training.models import CohortInvitation, OneTimeToken, User, cohort_trainers
from training.outbox import OutboxMessage
from training.session_models import RememberToken, UserSession

ERASURE_HOOKS: list[Callable[[User, Identity], None]] = []
MIN_NAME = 3  # shorter names are not searched for in other people's text (false matches)


@dataclass(frozen=True)
class Identity:
    """What identified the person before the erasure: searched for and replaced."""

    email: str
    names: tuple[str, ...]

    @classmethod
    def of(cls, user: User) -> Identity:
        names = {n.strip() for n in (user.full_name, user.display_name) if n and n.strip()}
        # The longest first, so "Ana Lima" is replaced before "Ana".
        ordered = sorted((n for n in names if len(n) >= MIN_NAME), key=len, reverse=True)
        return cls(email=user.email, names=tuple(ordered))

    def needles(self) -> list[str]:
        return [self.email, *self.names]

    def pattern(self) -> re.Pattern[str]:
        forms = []
        for needle in self.needles():
            forms += [needle, str(escape(needle))]
        alternatives = "|".join(re.escape(f) for f in sorted(set(forms), key=len, reverse=True))
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def scrub(self, value: Any) -> Any:
        """``value`` (text, or JSON: lists and dicts) with the identity replaced."""
        if isinstance(value, str):
            return self.pattern().sub(ERASED_NAME, value)
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        if isinstance(value, dict):
            return {key: self.scrub(item) for key, item in value.items()}
        return value


def _count(report: Any, bucket: str, table: str, n: int | None) -> None:
    if n:
        target = getattr(report, bucket)
        target[table] = target.get(table, 0) + int(n)


def handle_certificates(user: User, keep: bool, report: Any, now: datetime) -> None:
    """Keep every certificate and attestation as issued, or revoke them and remove the
    person's copy from them (printed name, stored PDF, signed credential)."""
    certificates = list(
        db.session.execute(select(Certificate).where(Certificate.user_id == user.id)).scalars()
    )
    attestations = list(
        db.session.execute(
            select(BlockAttestation).where(BlockAttestation.user_id == user.id)
        ).scalars()
    )
    if keep:
        report.certificates_kept = [c.code for c in certificates if c.status == Status.VALID]
        report.attestations_kept = [a.code for a in attestations if a.status == VALID]
        return
    for certificate in certificates:
        if certificate.status == Status.VALID:
            revocation.revoke(certificate, None, HOLDERS_REQUEST)  # commits, with its audit
            report.certificates_revoked.append(certificate.code)
    ids = [c.id for c in certificates]
    if ids:
        db.session.execute(
            update(Certificate)
            .where(Certificate.id.in_(ids))
            .values(holder_name=ERASED_NAME, pdf=b"", pdf_size=0)
            .execution_options(synchronize_session=False)
        )
        rows = select(IssuedCredential).where(IssuedCredential.certificate_id.in_(ids))
        for row in db.session.execute(rows).scalars():
            if not credentials.is_erased(row):
                row.jwt = credentials.erased_form(row.jwt)
    for attestation in attestations:
        if attestation.status == VALID:
            report.attestations_revoked.append(attestation.code)
    if attestations:
        db.session.execute(
            update(BlockAttestation)
            .where(BlockAttestation.user_id == user.id, BlockAttestation.status == VALID)
            .values(status=REVOKED, current_key=None, revoked_at=now, revoke_reason=HOLDERS_REQUEST)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(BlockAttestation)
            .where(BlockAttestation.user_id == user.id)
            .values(holder_name=ERASED_NAME, pdf=b"", pdf_size=0)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    for certificate in certificates:
        db.session.expire(certificate)


def _delete(report: Any, table: str, statement: Any) -> None:
    _count(report, "deleted", table, db.session.execute(statement).rowcount)


def erase_rows(user: User, identity: Identity, placeholder: str, report: Any) -> None:
    """Everything but the certificates, in the caller's transaction (no commit)."""
    uid = user.id
    _delete(report, "user_sessions", delete(UserSession).where(UserSession.user_id == uid))
    _delete(report, "remember_tokens", delete(RememberToken).where(RememberToken.user_id == uid))
    _delete(report, "one_time_tokens", delete(OneTimeToken).where(OneTimeToken.user_id == uid))
    login_throttle.record_success(identity.email)  # deletes the address's failure counter
    _delete(
        report,
        "cohort_invitations",
        delete(CohortInvitation).where(CohortInvitation.user_id == uid),
    )
    _delete(
        report, "cohort_trainers", delete(cohort_trainers).where(cohort_trainers.c.user_id == uid)
    )
    _delete(
        report,
        "inactivity_warnings",
        delete(InactivityWarning).where(InactivityWarning.user_id == uid),
    )
    _delete(
        report,
        "data_export_requests",
        delete(ExportRequest).where(ExportRequest.user_id == uid),
    )
    db.session.execute(delete(MailOptOut).where(MailOptOut.user_id == uid))
    db.session.add_all(MailOptOut(user_id=uid, kind=kind) for kind in KINDS)

    runs = select(RoleplayRun.id).where(RoleplayRun.user_id == uid)
    _delete(
        report,
        "reflection_replies",
        delete(ReflectionReply).where(ReflectionReply.run_id.in_(runs)),
    )
    _count(
        report,
        "scrubbed",
        "reflection_replies",
        db.session.execute(
            update(ReflectionReply)
            .where(ReflectionReply.trainer_id == uid)
            .values(trainer_label=ERASED_NAME)
            .execution_options(synchronize_session=False)
        ).rowcount,
    )
    _count(
        report,
        "scrubbed",
        "roleplay_runs",
        db.session.execute(
            update(RoleplayRun)
            .where(RoleplayRun.user_id == uid, RoleplayRun.reflection.is_not(None))
            .values(reflection=None, reflection_saved_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount,
    )
    _count(
        report,
        "scrubbed",
        "overrides",
        db.session.execute(
            update(Override)
            .where(Override.user_id == uid)
            .values(reason="")
            .execution_options(synchronize_session=False)
        ).rowcount,
    )
    db.session.execute(
        update(Override)
        .where(or_(Override.granted_by_id == uid, Override.granted_by_label == identity.email))
        .values(granted_by_label=ERASED_NAME)
        .execution_options(synchronize_session=False)
    )
    _scrub_outbox(user, identity, report)
    _scrub_audit(user, identity, report)
    _scrub_mentions(identity, report)
    for hook in ERASURE_HOOKS:
        hook(user, identity)

    user.email = placeholder
    user.display_name = ERASED_NAME
    user.full_name = ERASED_NAME
    user.password_hash = None
    user.role = "learner"
    user.session_version = (user.session_version or 1) + 1
    user.email_verified_at = None
    user.last_login_at = None
    db.session.flush()


def _mentions(columns: list[Any], identity: Identity) -> Any:
    return or_(
        *(column.ilike(f"%{needle}%") for column in columns for needle in identity.needles())
    )


def _scrub_outbox(user: User, identity: Identity, report: Any) -> None:
    _delete(
        report,
        "outbox_messages",
        delete(OutboxMessage).where(
            or_(OutboxMessage.user_id == user.id, OutboxMessage.to_address == identity.email)
        ),
    )
    columns = [OutboxMessage.subject, OutboxMessage.text_body, OutboxMessage.html_body]
    others = db.session.execute(select(OutboxMessage).where(_mentions(columns, identity)))
    for message in others.scalars():
        message.subject = identity.scrub(message.subject)
        message.text_body = identity.scrub(message.text_body)
        message.html_body = identity.scrub(message.html_body)
        _count(report, "scrubbed", "outbox_messages", 1)


# Free text of other people's rows that may name the person (a trainer's reply to another
# learner, another learner's reflection, the reason of someone else's override or audit event).
MENTION_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("reflection_replies", ReflectionReply.body),
    ("roleplay_runs", RoleplayRun.reflection),
    ("overrides", Override.reason),
    ("audit_events", AuditEvent.reason),
)


def _scrub_mentions(identity: Identity, report: Any) -> None:
    for table, column in MENTION_COLUMNS:
        model = column.class_
        for row in db.session.execute(select(model).where(_mentions([column], identity))).scalars():
            value = getattr(row, column.key)
            cleaned = identity.scrub(value)
            if cleaned != value:
                setattr(row, column.key, cleaned)
                _count(report, "scrubbed", table, 1)


def _scrub_audit(user: User, identity: Identity, report: Any) -> None:
    events = db.session.execute(
        select(AuditEvent).where(
            or_(
                AuditEvent.actor_id == user.id,
                AuditEvent.subject_user_id == user.id,
                AuditEvent.actor_label == identity.email,
            )
        )
    )
    for event in events.scalars():
        label = identity.scrub(event.actor_label)
        reason = identity.scrub(event.reason) if event.reason else event.reason
        detail = identity.scrub(dict(event.detail or {}))
        if (label, reason, detail) != (event.actor_label, event.reason, event.detail):
            event.actor_label, event.reason, event.detail = label, reason, detail
            _count(report, "scrubbed", "audit_events", 1)


def _mail_text(path: Path) -> str:
    """The headers and the decoded text parts of an ``.eml`` file ("" when unreadable)."""
    try:
        mail = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    except (OSError, ValueError):
        return ""
    parts = [str(value) for value in mail.values()]
    for part in mail.walk():
        if part.get_content_maintype() == "text":
            try:
                parts.append(part.get_content())
            except (LookupError, ValueError):
                continue
    return "\n".join(parts)


def remove_outbox_files(identity: Identity, report: Any) -> None:
    """Delete the ``.eml`` copies the file outbox (no SMTP server) wrote of mails to the person
    or naming them: the files hold what the ``outbox_messages`` rows held."""
    folder = Path(current_app.config.get("OUTBOX_DIR") or "")
    if not current_app.config.get("OUTBOX_DIR") or not folder.is_dir():
        return
    pattern = identity.pattern()
    for path in sorted(folder.glob("*.eml")):
        if pattern.search(_mail_text(path)):
            path.unlink(missing_ok=True)
            _count(report, "deleted", "outbox files", 1)
