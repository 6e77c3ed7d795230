"""Issued credentials and their places in the status lists. Nothing here is ever deleted.

- :class:`StatusListEntry` is one bit of a Bitstring Status List: list ``list_number``,
  position ``list_index`` (drawn at random, unique per list), revoked once ``revoked_at`` is
  set. An entry is reserved, in its own short transaction, *before* its credential is signed
  (the credential names its index, and the PDF carries the credential). An entry whose
  certificate then lost an issuing race stays reserved and unused: its bit stays 0.
- :class:`IssuedCredential` is the signed VC-JWT exactly as issued (frozen: every download
  serves these bytes) with its ``urn:uuid`` id and the key that signed it. It belongs to a
  certificate (``certificate_id``); block attestations (issue 15) add their own column.
  The signing keys are never stored here: they live in ``CREDENTIAL_KEY_FILE``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.extensions import db
from training.timeutil import utcnow


class StatusListEntry(db.Model):
    __tablename__ = "credential_status_entries"
    __table_args__ = (
        UniqueConstraint("list_number", "list_index"),
        CheckConstraint("list_number >= 1", name="list_number_positive"),
        CheckConstraint("list_index >= 0", name="list_index_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_number: Mapped[int] = mapped_column(Integer, index=True)
    list_index: Mapped[int] = mapped_column(Integer)
    reserved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def __repr__(self) -> str:
        return f"<StatusListEntry {self.list_number}/{self.list_index}>"


class IssuedCredential(db.Model):
    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[str] = mapped_column(String(64), unique=True)
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificates.id", ondelete="RESTRICT"), unique=True
    )
    status_entry_id: Mapped[int] = mapped_column(
        ForeignKey("credential_status_entries.id", ondelete="RESTRICT"), unique=True
    )
    kid: Mapped[str] = mapped_column(String(100))
    jwt: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(DateTime)

    status_entry: Mapped[StatusListEntry] = relationship(lazy="joined")

    @property
    def revoked(self) -> bool:
        return self.status_entry.revoked

    def __repr__(self) -> str:
        return f"<IssuedCredential {self.credential_id} certificate={self.certificate_id}>"
