"""Block attestations: a learner's partial validation of a certification, one competency block.

Like a certificate (``certificates.models``), an attestation freezes what it prints (the
snapshot columns) and its PDF bytes, rendered once at issue time, with their SHA-256. Never
deleted. ``current_key`` is ``"<user_id>:<course_slug>:<block_id>"`` while it is valid (NULL
once revoked): its UNIQUE constraint keeps one valid attestation per learner, course and block,
even when a double click sends two requests at the same moment.
"""

from __future__ import annotations

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
from sqlalchemy.orm import Mapped, deferred, mapped_column

from training.extensions import db

VALID, REVOKED = "valid", "revoked"


def current_key(user_id: int, course_slug: str, block_id: str) -> str:
    return f"{user_id}:{course_slug}:{block_id}"


class BlockAttestation(db.Model):
    __tablename__ = "block_attestations"
    __table_args__ = (
        CheckConstraint("status IN ('valid', 'revoked')", name="status_valid"),
        CheckConstraint(
            "(status = 'valid' AND current_key IS NOT NULL)"
            " OR (status <> 'valid' AND current_key IS NULL)",
            name="current_key_when_valid",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    course_slug: Mapped[str] = mapped_column(String(80), index=True)
    block_id: Mapped[str] = mapped_column(String(32))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=VALID)
    current_key: Mapped[str | None] = mapped_column(String(160), unique=True)

    # The frozen snapshot: what the PDF prints, never recomputed.
    holder_name: Mapped[str] = mapped_column(String(160))
    course_title: Mapped[str] = mapped_column(String(300))
    block_title: Mapped[str] = mapped_column(String(300))
    rncp: Mapped[str | None] = mapped_column(String(40))
    requirements: Mapped[list[str]] = mapped_column(JSON)  # what was assessed, as printed
    score_percent: Mapped[float | None] = mapped_column(Float)
    attained_on: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(300))
    signatory: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2), default="en")
    issued_at: Mapped[datetime] = mapped_column(DateTime)

    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    pdf_size: Mapped[int] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def is_valid(self) -> bool:
        return self.status == VALID

    def __repr__(self) -> str:
        return f"<BlockAttestation {self.id} {self.course_slug}/{self.block_id} {self.status}>"
