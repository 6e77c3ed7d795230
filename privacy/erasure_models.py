"""Erasure requests: a learner's (or an admin's) request to erase an account, and its record.

Life of a request (``status``):

- ``pending``: asked on the account page with the password; waiting for the mail link
  (``token_hash`` is the SHA-256 of the link's token, valid until ``token_expires_at``);
- ``scheduled``: the link was followed; the account is erased at ``scheduled_for`` (the grace
  period, ``ERASURE_GRACE_DAYS``) unless the holder cancels first;
- ``cancelled``: the holder cancelled (or asked again: the older request is cancelled);
- ``done``: erased (``erased_at``), by the periodic task or at once by an admin.

At most one open (pending or scheduled) request per account (a partial unique index).
The row outlives the erasure as its record: it names only the pseudonymous account id. For a
funder's audit, ``funder_digest`` (a keyed hash of the former address, never the address) lets
the organisation find the pseudonymous learning records of a trainee whose name it already
holds, until ``funder_keep_until``; then the periodic task clears it (``privacy.erasure_rules``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.timeutil import utcnow

PENDING, SCHEDULED, CANCELLED, DONE = "pending", "scheduled", "cancelled", "done"
OPEN = (PENDING, SCHEDULED)


class ErasureRequest(db.Model):
    __tablename__ = "erasure_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'scheduled', 'cancelled', 'done')", name="status_valid"
        ),
        CheckConstraint(
            "status <> 'scheduled' OR scheduled_for IS NOT NULL", name="scheduled_dated"
        ),
        Index(
            "one_open_erasure_request",
            "user_id",
            unique=True,
            sqlite_where=text("status IN ('pending', 'scheduled')"),
            postgresql_where=text("status IN ('pending', 'scheduled')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    # The holder's choice for their issued certificates: keep them verifiable, or revoke them.
    keep_certificates: Mapped[bool] = mapped_column(Boolean, default=True)
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    scheduled_for: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Who ran the erasure: "holder" (after the grace period) or "admin" (at once, with a
    # reason kept in the audit log).
    requested_by: Mapped[str] = mapped_column(String(16), default="holder")
    funder_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    funder_keep_until: Mapped[date | None] = mapped_column(Date)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def __repr__(self) -> str:
        return f"<ErasureRequest {self.id} user={self.user_id} {self.status}>"
