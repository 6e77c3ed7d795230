"""A learner's request to download all their data (GDPR art. 15 and 20).

Life of a request: ``pending`` (asked, a task is queued) → ``building`` (a worker gathers the
data) → ``ready`` (the ZIP is stored in ``archive`` and a link mailed) → ``downloaded`` (the
link was used once; the bytes are dropped) or ``expired`` (``expires_at`` passed, or a newer
request replaced it; the bytes are dropped); ``failed`` if building raised.

Only the SHA-256 of the link's token is stored (``token_hash``), like the one-time links of
``training.links``: a copy of the database opens no archive. The ZIP lives in the database
(deferred column), not on a local disk, so any app server behind a load balancer can serve it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from training.extensions import db
from training.timeutil import utcnow

PENDING, BUILDING, READY, DOWNLOADED, EXPIRED, FAILED = (
    "pending", "building", "ready", "downloaded", "expired", "failed",
)  # fmt: skip
STATUSES = (PENDING, BUILDING, READY, DOWNLOADED, EXPIRED, FAILED)
IN_PROGRESS = (PENDING, BUILDING)


class ExportRequest(db.Model):
    __tablename__ = "data_export_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'building', 'ready', 'downloaded', 'expired', 'failed')",
            name="status_valid",
        ),
        CheckConstraint("status <> 'ready' OR token_hash IS NOT NULL", name="ready_has_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    language: Mapped[str] = mapped_column(String(2), default="en")
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    ready_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    downloaded_at: Mapped[datetime | None] = mapped_column(DateTime)
    archive: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    archive_size: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<ExportRequest {self.id} user={self.user_id} {self.status}>"
