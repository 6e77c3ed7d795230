"""Honest hours: estimate a course's learning time from what a learner actually does.

Pure: numbers (or a loaded Course) in, an Estimate or a message out. No Flask, no files.

The estimate of one learner going through the course once is the sum of:

- each module's ``minutes`` (the author's honest reading and working time);
- for each quiz, the questions **one attempt** asks (its ``draw`` when set and smaller than the
  pool, otherwise the whole pool) times ``MINUTES_PER_QUESTION``: reading a situation, choosing,
  then reading the feedback;
- for each role-play, ``MINUTES_PER_ROLEPLAY`` (reading the setting and the debrief, writing the
  reflection) plus the decisions of its **longest run** (the most choices a learner can make from
  ``start`` to an ending) times ``MINUTES_PER_DECISION``: reading the narration and the choices,
  choosing, reading the feedback.

``hours_warning(hours, estimate)`` is None when ``hours`` is within ``TOLERANCE`` (20 %) of the
estimate, either way, and otherwise a one-line message starting with ``"warning:"`` that gives
the figures and the range that would be honest. Nothing here raises on a loaded Course; a
role-play graph is acyclic once loaded, and ``longest_run`` also stops on a cycle.

The allowances are documented in docs/content-format.md ("Honest hours"); change both together.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from courses.catalogue import Course

MINUTES_PER_QUESTION = 1.5
MINUTES_PER_DECISION = 3.0
MINUTES_PER_ROLEPLAY = 5.0
TOLERANCE = 0.20


@dataclass(frozen=True)
class Estimate:
    """Learning time of one pass through a course, and what it is made of."""

    module_minutes: int
    questions: int  # questions asked: one attempt of each quiz
    decisions: int  # decisions: the longest run of each role-play
    roleplays: int = 0

    @property
    def minutes(self) -> float:
        return (
            self.module_minutes
            + self.questions * MINUTES_PER_QUESTION
            + self.roleplays * MINUTES_PER_ROLEPLAY
            + self.decisions * MINUTES_PER_DECISION
        )

    @property
    def hours(self) -> float:
        return self.minutes / 60


def estimate(
    module_minutes: Iterable[int],
    questions_per_attempt: Iterable[int],
    decisions_per_roleplay: Iterable[int],
) -> Estimate:
    """The Estimate from the raw figures (one item per module, per quiz, per role-play)."""
    decisions = list(decisions_per_roleplay)
    return Estimate(
        module_minutes=sum(module_minutes),
        questions=sum(questions_per_attempt),
        decisions=sum(decisions),
        roleplays=len(decisions),
    )


def questions_per_attempt(pool: int, draw: int | None) -> int:
    """How many questions one attempt asks: ``draw`` of the ``pool``, or all of it."""
    if draw is None or draw >= pool:
        return pool
    return max(draw, 0)


class _Choice(Protocol):
    next: str


class _Node(Protocol):
    choices: tuple[_Choice, ...]

    @property
    def is_ending(self) -> bool: ...


def longest_run(start: str, nodes: Mapping[str, _Node]) -> int:
    """The most decisions on any path from ``start`` to an ending (0 when ``start`` ends).

    A node is a decision when it is not an ending and has choices. Unknown targets count as
    endings; a cycle (never in a loaded scenario) is cut where it closes.
    """
    memo: dict[str, int] = {}

    def depth(node_id: str, seen: frozenset[str]) -> int:
        if node_id in memo:
            return memo[node_id]
        node = nodes.get(node_id)
        if node is None or node.is_ending or not node.choices or node_id in seen:
            return 0
        inner = seen | {node_id}
        best = 1 + max(depth(choice.next, inner) for choice in node.choices)
        memo[node_id] = best
        return best

    return depth(start, frozenset())


def estimate_course(course: Course) -> Estimate:
    """The Estimate of a loaded Course."""
    return estimate(
        (module.minutes for module in course.modules),
        (
            questions_per_attempt(len(quiz.questions), quiz.settings.draw)
            for _module, quiz in course.quizzes()
        ),
        (longest_run(scenario.start, scenario.nodes) for scenario in course.roleplays),
    )


def _hours(value: float) -> str:
    """``value`` with at most one decimal: 14, 13.6."""
    return f"{value:.1f}".removesuffix(".0")


def hours_warning(hours: float, found: Estimate) -> str | None:
    """None when ``hours`` is honest (within TOLERANCE of the estimate), else a warning."""
    estimated = found.hours
    low, high = estimated * (1 - TOLERANCE), estimated * (1 + TOLERANCE)
    if low <= hours <= high and estimated > 0:
        return None
    return (
        f"warning: 'hours' is {_hours(hours)} but the estimated learning time is"
        f" {_hours(estimated)} h ({found.module_minutes} min of modules,"
        f" {found.questions} quiz questions × {_hours(MINUTES_PER_QUESTION)} min,"
        f" {found.roleplays} role-plays × {_hours(MINUTES_PER_ROLEPLAY)} min"
        f" + {found.decisions} decisions × {_hours(MINUTES_PER_DECISION)} min):"
        f" state between {_hours(math.ceil(low * 10) / 10)} and"
        f" {_hours(math.floor(high * 10) / 10)}, or add to the course"
    )
