"""Issued certificates. Nothing here is ever deleted (their history is in training.audit).

A certificate freezes what it prints (the snapshot columns) and the PDF bytes rendered once at
issue time, with their SHA-256. ``current_key`` is ``"<user_id>:<course_slug>"`` while the
certificate is the holder's current (valid) one for the course and NULL once it is revoked or
superseded; its UNIQUE constraint is what guarantees one current certificate per learner and
course, even when two requests issue at the same moment (NULLs never collide, on SQLite and
PostgreSQL alike).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from certificates.pdf import CertificateSnapshot
from training.extensions import db
from training.models import User


class Status(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class AuditAction(enum.StrEnum):
    """Certificate events in the shared audit log (:mod:`training.audit`)."""

    ISSUE = "certificate.issue"
    REVOKE = "certificate.revoke"
    REISSUE = "certificate.reissue"


def current_key(user_id: int, course_slug: str) -> str:
    return f"{user_id}:{course_slug}"


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("status IN ('valid', 'revoked', 'superseded')", name="status_valid"),
        CheckConstraint(
            "(status = 'valid' AND current_key IS NOT NULL)"
            " OR (status <> 'valid' AND current_key IS NULL)",
            name="current_key_when_valid",
        ),
        CheckConstraint("status <> 'revoked' OR revoked_at IS NOT NULL", name="revoked_dated"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    course_slug: Mapped[str] = mapped_column(String(80), index=True)
    # The cohort it was earned in (the learner's enrolment cohort at issue time), if any: only
    # that cohort's trainers and admins may revoke or reissue it (certificates.revocation).
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=Status.VALID.value)
    current_key: Mapped[str | None] = mapped_column(String(120), unique=True)

    # The frozen snapshot: what the PDF prints, never recomputed.
    holder_name: Mapped[str] = mapped_column(String(160))
    course_title: Mapped[str] = mapped_column(String(300))
    hours: Mapped[float] = mapped_column(Float)
    completed_on: Mapped[date] = mapped_column(Date)
    score_percent: Mapped[float | None] = mapped_column(Float)
    modules: Mapped[list[str]] = mapped_column(JSON)
    competencies: Mapped[list[str]] = mapped_column(JSON)
    issuer: Mapped[str] = mapped_column(String(300))
    signatory: Mapped[str] = mapped_column(String(300))
    certificate_title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2), default="en")
    issued_at: Mapped[datetime] = mapped_column(DateTime)

    # Deferred: listing pages never load the PDF bytes.
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    pdf_size: Mapped[int] = mapped_column(Integer)

    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime)
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="SET NULL")
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    superseded_by: Mapped[Certificate | None] = relationship(
        foreign_keys=[superseded_by_id], remote_side=[id]
    )

    @property
    def is_valid(self) -> bool:
        return self.status == Status.VALID

    def snapshot(self) -> CertificateSnapshot:
        return CertificateSnapshot(
            code=self.code,
            holder_name=self.holder_name,
            course_title=self.course_title,
            course_slug=self.course_slug,
            hours=self.hours,
            completed_on=self.completed_on,
            score_percent=self.score_percent,
            modules=list(self.modules),
            competencies=list(self.competencies),
            issuer=self.issuer,
            signatory=self.signatory,
            certificate_title=self.certificate_title,
            issued_at=self.issued_at,
        )

    def __repr__(self) -> str:
        return f"<Certificate {self.id} {self.course_slug} user={self.user_id} {self.status}>"
