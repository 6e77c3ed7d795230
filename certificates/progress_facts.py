"""What the progress service reads about one learner in one course, as loaded from the database
(``certificates.progress_data``): the facts in; ``certificates.progress`` computes from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AttemptFact:
    percent: float | None
    passed: bool | None
    submitted: bool


@dataclass(frozen=True)
class RunFact:
    finished: bool
    outcome: str | None
    percent: float | None
    critical: bool
    steps: int


@dataclass(frozen=True)
class GrantFact:
    """A trainer's second chance (``courses.overrides.Override``), as the rules read it."""

    kind: str  # extra_attempts | reopen_roleplay | excuse
    target: str  # module | quiz | roleplay
    key: str
    amount: int
    reason: str
    granted_by: str
    granted_at: Any  # datetime

    @classmethod
    def of(cls, override: Any) -> GrantFact:
        return cls(
            override.kind,
            override.target,
            override.key,
            override.amount,
            override.reason,
            override.granted_by_label,
            override.granted_at,
        )


@dataclass
class LearnerFacts:
    modules_done: set[str] = field(default_factory=set)
    modules_opened: set[str] = field(default_factory=set)
    attempts: dict[str, list[AttemptFact]] = field(default_factory=dict)  # counted, by number
    runs: dict[str, list[RunFact]] = field(default_factory=dict)
    grants: list[GrantFact] = field(default_factory=list)
