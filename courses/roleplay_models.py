"""Role-play runs: one row per attempt at a scenario, every run kept.

A run moves along the scenario graph one POST at a time. ``step`` is the number of choices made
so far (always ``len(path)``) and doubles as an optimistic-concurrency counter: a choice is
written with ``UPDATE … WHERE step = <the step the page showed>``, so a stale page (back button,
refresh, second tab) or two simultaneous posts can never move a run twice.

``choice_order`` is the order in which this run shows each decision's choices, drawn when it
starts (no position clues, the same order on every reload). ``critical`` is set when the run
took a critical choice: whatever its score, it cannot pass.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.timeutil import utcnow

OUTCOME_VALUES = ("resolved", "partial", "escalated")


class RoleplayRun(db.Model):
    __tablename__ = "roleplay_runs"
    __table_args__ = (
        CheckConstraint("step >= 0", name="step_not_negative"),
        CheckConstraint(
            "outcome IS NULL OR outcome IN ('resolved', 'partial', 'escalated')",
            name="outcome_valid",
        ),
        CheckConstraint(
            "percent IS NULL OR (percent >= 0 AND percent <= 100)", name="percent_range"
        ),
        CheckConstraint("(finished_at IS NULL) = (outcome IS NULL)", name="finished_has_outcome"),
        # Best score per scenario, latest unfinished run, a learner's runs of one scenario.
        Index("ix_roleplay_runs_best", "user_id", "course_slug", "scenario_slug", "percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_slug: Mapped[str] = mapped_column(String(80))
    scenario_slug: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    current_node: Mapped[str] = mapped_column(String(120))
    # [[node_id, choice_index], …] in the order played.
    path: Mapped[list[Any]] = mapped_column(JSON, default=list)
    step: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(16))
    points_total: Mapped[int | None] = mapped_column(Integer)
    percent: Mapped[float | None] = mapped_column(Float)
    # {competency: points} at the ending.
    competency_points: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # {node id: [choice indices in the order shown]}, drawn at the start.
    choice_order: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    critical: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reflection: Mapped[str | None] = mapped_column(Text)
    reflection_saved_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The course's content version when the run started (a debrief after an edit says so).
    content_version: Mapped[str] = mapped_column(String(64), default="")

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def steps(self) -> list[tuple[str, int]]:
        """The path as (node id, choice index) tuples, what courses.roleplay expects."""
        return [(str(node_id), int(index)) for node_id, index in self.path or ()]

    def __repr__(self) -> str:
        return f"<RoleplayRun {self.id} {self.course_slug}/{self.scenario_slug} step {self.step}>"
