"""The role-play model: a scenario graph, its nodes, choices and endings, and a run's score.

Immutable and already validated and rendered (``courses.scenario_parse`` builds it once per
content version). The format is the contract in ``docs/content-format.md``; the public API of
the engine is ``courses.roleplay``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Outcome = Literal["resolved", "partial", "escalated"]
OUTCOMES: tuple[Outcome, ...] = ("resolved", "partial", "escalated")
DEFAULT_PASSING_OUTCOMES: tuple[Outcome, ...] = ("resolved", "partial")

PathStep = tuple[str, int]
"""One step of a run: (id of the node where the choice was made, index of the choice in the
file). Indices always refer to the file's order, whatever order the learner saw."""

Render = Callable[[str], str]


class InvalidChoice(ValueError):
    """A choice that does not belong to the node it is played from (or a broken path)."""


@dataclass(frozen=True)
class DialogueLine:
    """A line spoken by a named character (the player shows the name, not only a colour)."""

    speaker: str
    line: str


@dataclass(frozen=True)
class Critical:
    """Why a choice is unsafe or unlawful: a run that takes it can never pass."""

    reason: str
    reason_html: str


@dataclass(frozen=True)
class Choice:
    """One option at a turn. ``index`` is its position in the node's list in the file.

    Choice text is plain text shown inside a button, so ``text_html`` is only the escaped text,
    never block Markdown (a ``<p>`` is not allowed inside a ``<button>``). ``points`` may be
    negative (a penalty).
    """

    index: int
    text: str
    text_html: str
    next: str
    feedback: str
    feedback_html: str
    points: Mapping[str, int]
    line: int
    critical: Critical | None = None

    @property
    def total(self) -> int:
        """Points of this choice summed over all competencies (penalties subtract)."""
        return sum(self.points.values())

    @property
    def is_critical(self) -> bool:
        return self.critical is not None


@dataclass(frozen=True)
class Ending:
    """How a path ends. ``max_score`` caps the run's percentage (None: no cap)."""

    outcome: Outcome
    debrief: str
    debrief_html: str
    max_score: float | None = None


@dataclass(frozen=True)
class Node:
    id: str
    text: str
    text_html: str
    dialogue: tuple[DialogueLine, ...]
    choices: tuple[Choice, ...]
    ending: Ending | None
    line: int

    @property
    def is_ending(self) -> bool:
        return self.ending is not None

    @property
    def is_decision(self) -> bool:
        """A turn with a real choice to make (a single "Continue" is narration)."""
        return len(self.choices) >= 2


@dataclass(frozen=True)
class BestScores:
    """What the graph allows at best (see ``courses.scenario_scoring``).

    ``total``: the highest run total over all complete paths (each competency floored at 0).
    ``per_competency``: for each competency, the highest points over all paths, each maximised
    on its own (so their sum can exceed ``total``). ``remaining``: for each node, the best total
    still achievable from it to an ending, counted from that node alone (0 at an ending).
    ``frontiers``: per node, the Pareto frontier of the point vectors from it to an ending
    (``courses.scenario_graph``), which the best and safe choices are read from.
    """

    total: int
    per_competency: Mapping[str, int]
    remaining: Mapping[str, int]
    frontiers: Mapping[str, frozenset[tuple[int, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    summary: str
    setting: str
    setting_html: str
    content_note: str | None
    competencies: tuple[str, ...]
    start: str
    nodes: Mapping[str, Node]
    source_path: str
    best: BestScores
    blocks: tuple[str, ...] = ()  # competency blocks the role-play serves

    def node(self, node_id: str) -> Node:
        """The node called ``node_id``; raises InvalidChoice when there is none."""
        try:
            return self.nodes[node_id]
        except (KeyError, TypeError):
            raise InvalidChoice(f"scenario {self.slug!r} has no node {node_id!r}") from None

    @property
    def decisions(self) -> list[Node]:
        """The nodes with two choices or more, in file order."""
        return [node for node in self.nodes.values() if node.is_decision]


@dataclass(frozen=True)
class Step:
    """The result of playing one choice: where the run goes next and whether it ended."""

    node_id: str
    choice: Choice
    next_node_id: str
    ended: bool
    outcome: Outcome | None


@dataclass(frozen=True)
class CompetencyScore:
    competency: str
    points: int  # the run's points in this competency, floored at 0
    best: int

    @property
    def percent(self) -> float:
        if self.best <= 0:
            return 100.0
        return min(100.0, max(0.0, self.points * 100.0 / self.best))


@dataclass(frozen=True)
class CriticalStep:
    """A critical choice a run took: where, which, and the safe practice at that decision."""

    number: int  # 1-based decision number in the run
    node_id: str
    choice: Choice
    safe: Choice | None  # the best non-critical choice at that node (None if there is none)


@dataclass(frozen=True)
class RunScore:
    """A run's score.

    ``points``: per competency (every declared one), each floored at 0; ``total``: their sum;
    ``percent``: of the best achievable total, capped by the ending's ``max_score`` when the run
    ended there (``uncapped_percent`` is before the cap, ``cap`` the cap applied or None);
    ``critical``: the critical choices taken, in order. ``competencies``: each against its own
    best, in the declared order (for the debrief's bars).
    """

    points: Mapping[str, int]
    total: int
    best_total: int
    percent: float
    competencies: tuple[CompetencyScore, ...]
    uncapped_percent: float = 0.0
    cap: float | None = None
    critical: tuple[CriticalStep, ...] = ()
    outcome: Outcome | None = None

    @property
    def took_critical(self) -> bool:
        return bool(self.critical)
