"""Finding certificates and what the public verification page shows (a code, or the PDF)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from certificates.models import Certificate, Status, current_key
from certificates.pdf import sha256_hex
from training import audit
from training.audit import AuditEvent
from training.extensions import db


def normalise_code(code: str) -> str:
    """A typed code as stored: lower case, without spaces or hyphens."""
    return re.sub(r"[\s-]+", "", code or "").lower()


def get_by_code(code: str) -> Certificate | None:
    code = normalise_code(code)
    if not code or len(code) > 64:
        return None
    return db.session.execute(select(Certificate).where(Certificate.code == code)).scalar()


def find_current(user_id: int, course_slug: str) -> Certificate | None:
    """The learner's current (valid) certificate for the course, if any."""
    key = current_key(user_id, course_slug)
    return db.session.execute(select(Certificate).where(Certificate.current_key == key)).scalar()


def certificates_of(user_id: int) -> list[Certificate]:
    """All the learner's certificates, newest first (revoked and superseded ones included)."""
    return list(
        db.session.execute(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        ).scalars()
    )


def find_by_pdf(data: bytes) -> Certificate | None:
    """The certificate whose stored PDF is exactly ``data`` (same SHA-256), if any."""
    digest = sha256_hex(data)
    return db.session.execute(
        select(Certificate).where(Certificate.pdf_sha256 == digest).order_by(Certificate.id)
    ).scalar()


def audit_entries(certificate: Certificate) -> list[AuditEvent]:
    """The certificate's history, oldest first."""
    return audit.events(certificate_id=certificate.id)


@dataclass(frozen=True)
class Verification:
    """What the public verification page and its JSON show."""

    code: str
    status: str
    holder_name: str
    course_title: str
    certificate_title: str
    hours: float
    completed_on: date
    issued_at: datetime
    issuer: str
    score_percent: float | None
    pdf_sha256: str
    revoked_at: datetime | None
    revoke_reason: str | None
    superseded_at: datetime | None
    current_code: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "status": self.status,
            "valid": self.status == Status.VALID,
            "holder": self.holder_name,
            "course": self.course_title,
            "certificate_title": self.certificate_title,
            "hours": self.hours,
            "completed_on": self.completed_on.isoformat(),
            "issued_at": self.issued_at.isoformat() + "Z",
            "issuer": self.issuer,
            "score_percent": self.score_percent,
            "pdf_sha256": self.pdf_sha256,
            "revoked_at": self.revoked_at.isoformat() + "Z" if self.revoked_at else None,
            "revoke_reason": self.revoke_reason,
            "superseded_at": self.superseded_at.isoformat() + "Z" if self.superseded_at else None,
            "superseded_by": self.current_code,
        }


def verification_of(certificate: Certificate) -> Verification:
    current_code = None
    if certificate.status == Status.SUPERSEDED:
        # Follow the chain to the newest certificate (itself possibly revoked).
        newer = certificate.superseded_by
        seen = {certificate.id}
        while newer is not None and newer.superseded_by is not None and newer.id not in seen:
            seen.add(newer.id)
            newer = newer.superseded_by
        current_code = newer.code if newer is not None else None
    return Verification(
        code=certificate.code,
        status=certificate.status,
        holder_name=certificate.holder_name,
        course_title=certificate.course_title,
        certificate_title=certificate.certificate_title,
        hours=certificate.hours,
        completed_on=certificate.completed_on,
        issued_at=certificate.issued_at,
        issuer=certificate.issuer,
        score_percent=certificate.score_percent,
        pdf_sha256=certificate.pdf_sha256,
        revoked_at=certificate.revoked_at,
        revoke_reason=certificate.revoke_reason,
        superseded_at=certificate.superseded_at,
        current_code=current_code,
    )


def verify(code: str) -> Verification | None:
    """The public status of a code, or ``None`` for an unknown one."""
    certificate = get_by_code(code)
    return verification_of(certificate) if certificate is not None else None
