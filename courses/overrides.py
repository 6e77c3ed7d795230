"""Second chances a trainer grants a learner, as the completion rule and the attempt limits read
them: extra quiz attempts, a reopened role-play, an excused requirement.

One row per grant, never edited or deleted (each is also in the audit log, with the same
reason). They live here, below quizzes and certificates, because the quiz attempt limit, the
role-play run limit and the completion rule all count them. The trainer's use cases that
create them (access, validation, audit, signal) are in ``cohorts.second_chances``.

- ``extra_attempts``: ``amount`` more counted attempts at quiz ``key`` (a module stem);
- ``reopen_roleplay``: ``amount`` more finished runs of role-play ``key`` (the course's
  ``roleplay_max_runs`` when it was granted);
- ``excuse``: requirement ``target``/``key`` counts as met without a result.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.sql_lists import among
from training.timeutil import utcnow

OverrideKind = Literal["extra_attempts", "reopen_roleplay", "excuse"]
KINDS: tuple[str, ...] = ("extra_attempts", "reopen_roleplay", "excuse")
TARGETS: tuple[str, ...] = ("module", "quiz", "roleplay")
AUDIT_ACTIONS = {kind: f"override.{kind}" for kind in KINDS}
"""The audit log action of each kind: ``override.extra_attempts`` and so on."""


class Override(db.Model):
    __tablename__ = "overrides"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('extra_attempts', 'reopen_roleplay', 'excuse')", name="kind_valid"
        ),
        CheckConstraint("target IN ('module', 'quiz', 'roleplay')", name="target_valid"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint(
            "(kind = 'extra_attempts' AND target = 'quiz')"
            " OR (kind = 'reopen_roleplay' AND target = 'roleplay')"
            " OR kind = 'excuse'",
            name="kind_fits_target",
        ),
        Index("ix_overrides_learner", "user_id", "course_slug"),
        # A requirement is excused once (a double click cannot excuse it twice).
        Index(
            "one_excuse_per_requirement",
            "user_id",
            "course_slug",
            "target",
            "key",
            unique=True,
            sqlite_where=text("kind = 'excuse'"),
            postgresql_where=text("kind = 'excuse'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(24))
    target: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(120))
    amount: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who granted it, as text that survives the account (like the audit log).
    granted_by_label: Mapped[str] = mapped_column(String(254))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Override {self.id} {self.kind} {self.target}:{self.key} user {self.user_id}>"


def overrides_for(user_id: int, course_slug: str) -> list[Override]:
    """One learner's grants in one course, oldest first."""
    return list(
        db.session.scalars(
            select(Override)
            .where(Override.user_id == user_id, Override.course_slug == course_slug)
            .order_by(Override.granted_at, Override.id)
        )
    )


def overrides_of_users(course_slug: str, user_ids: Any) -> dict[int, list[Override]]:
    """Grants in one course per learner; ``user_ids`` is a list or a SELECT of user ids."""
    found: dict[int, list[Override]] = {}
    for override in db.session.scalars(
        select(Override)
        .where(Override.course_slug == course_slug, among(Override.user_id, user_ids))
        .order_by(Override.granted_at, Override.id)
    ):
        found.setdefault(override.user_id, []).append(override)
    return found


def granted(overrides: Iterable[Override], kind: str, key: str) -> int:
    """The total ``amount`` of the grants of ``kind`` for ``key`` (extra attempts, runs)."""
    return sum(o.amount for o in overrides if o.kind == kind and o.key == key)


def excused(overrides: Iterable[Override], target: str, key: str) -> Override | None:
    return next(
        (o for o in overrides if o.kind == "excuse" and o.target == target and o.key == key),
        None,
    )


def extra_attempts(user_id: int, course_slug: str, stem: str) -> int:
    """Extra counted attempts granted at the quiz of module ``stem``."""
    return granted(overrides_for(user_id, course_slug), "extra_attempts", stem)
