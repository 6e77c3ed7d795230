"""A finished run's debrief (path, better choices, critical choices with the safe practice,
scores, whether it passes) and the learner's reflection on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from courses.catalogue import Course
from courses.roleplay import (
    Choice,
    CriticalStep,
    Ending,
    InvalidChoice,
    Node,
    RunScore,
    Scenario,
    Verdict,
    advance,
    better_choice,
    score_path,
)
from courses.roleplay_models import RoleplayRun
from training.extensions import db
from training.timeutil import utcnow

REFLECTION_MAX_LENGTH = 4000


class ReflectionError(ValueError):
    """A reflection that cannot be saved (too long, or the run has not ended)."""


@dataclass(frozen=True)
class DebriefStep:
    number: int
    node: Node
    choice: Choice
    better: Choice | None  # the best choice here when it beats the one taken


@dataclass(frozen=True)
class Debrief:
    run: RoleplayRun
    scenario: Scenario
    ending: Ending | None  # None when the scenario changed since the run
    steps: tuple[DebriefStep, ...]
    score: RunScore | None
    percent: float
    content_changed: bool
    verdict: Verdict | None = None
    critical: tuple[CriticalStep, ...] = ()


def debrief(run: RoleplayRun, scenario: Scenario, course: Course | None = None) -> Debrief:
    """The path with feedback and better choices, bars per competency, the overall percent,
    the critical choices taken (each with its reason and the safe practice) and, with the
    course, whether the run passes.

    Replayed from the stored path against the current scenario; if the scenario was edited so
    that the path no longer fits, the stored outcome and percentage are still shown.
    """
    from courses.roleplay_services import run_verdict

    judged = run_verdict(run, course) if course is not None and run.is_finished else None
    try:
        score = score_path(scenario, run.steps)
        steps = []
        for number, (node_id, index) in enumerate(run.steps, start=1):
            node = scenario.node(node_id)
            steps.append(
                DebriefStep(
                    number,
                    node,
                    advance(scenario, node_id, index).choice,
                    better_choice(scenario, node_id, index),
                )
            )
        ending = scenario.node(run.current_node).ending
    except InvalidChoice:
        return Debrief(run, scenario, None, (), None, run.percent or 0.0, True, judged)
    return Debrief(
        run,
        scenario,
        ending,
        tuple(steps),
        score,
        run.percent if run.percent is not None else score.percent,
        ending is None,
        judged,
        score.critical,
    )


def save_reflection(user: Any, run_id: int, text: str, *, course: Course | None = None) -> None:
    """Store the learner's reflection with a finished run (replacing any earlier one)."""
    from courses.roleplay_services import get_run

    run, _ = get_run(user, run_id, course)
    if not run.is_finished:
        raise ReflectionError("the run has not ended yet")
    text = (text or "").strip()
    if len(text) > REFLECTION_MAX_LENGTH:
        raise ReflectionError(f"at most {REFLECTION_MAX_LENGTH} characters")
    run.reflection = text or None
    run.reflection_saved_at = utcnow() if text else None
    db.session.commit()
