"""The role-play engine (pure): its public API, and playing a run one choice at a time.

A role-play is a directed acyclic graph of nodes. A node is either a *turn* (narration, optional
dialogue, one or more choices, each pointing to the next node) or an *ending* (an outcome, a
debrief and an optional ``max_score`` cap). The format is the contract in
``docs/content-format.md``. The engine is split by responsibility:

- ``courses.scenario``: the immutable model (Scenario, Node, Choice, Ending, RunScore…);
- ``courses.scenario_parse``: reading and validating a file (``parse_scenario``,
  ``load_scenario_file``), every problem with its line;
- ``courses.scenario_graph``: graph rules (reachability, cycles, score frontiers);
- ``courses.scenario_scoring``: scoring (penalties, floors at 0, caps), the best and safe
  choices, and the pass rule (``verdict``);
- ``courses.scenario_lints``: the checker's warnings (``lint_scenario``);
- this module: playing (``advance``, the per-run order of the choices, ``paths``) and the names
  every caller imports.

Nothing here touches Flask or the database.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence

from courses.scenario import (
    DEFAULT_PASSING_OUTCOMES,
    OUTCOMES,
    BestScores,
    Choice,
    CompetencyScore,
    Critical,
    CriticalStep,
    DialogueLine,
    Ending,
    InvalidChoice,
    Node,
    Outcome,
    PathStep,
    Render,
    RunScore,
    Scenario,
    Step,
)
from courses.scenario_lints import lint_scenario
from courses.scenario_parse import default_render, load_scenario_file, parse_scenario
from courses.scenario_scoring import (
    Verdict,
    best_choice,
    best_path,
    best_scores,
    better_choice,
    choice_at,
    choice_value,
    run_verdict,
    safe_choice,
    score_path,
    verdict,
    worst_path,
)

__all__ = [
    "DEFAULT_PASSING_OUTCOMES",
    "OUTCOMES",
    "BestScores",
    "Choice",
    "ChoiceOrder",
    "CompetencyScore",
    "Critical",
    "CriticalStep",
    "DialogueLine",
    "Ending",
    "InvalidChoice",
    "Node",
    "Outcome",
    "PathStep",
    "Render",
    "RunScore",
    "Scenario",
    "Step",
    "Verdict",
    "advance",
    "best_choice",
    "best_path",
    "best_scores",
    "better_choice",
    "choice_value",
    "default_render",
    "draw_choice_order",
    "lint_scenario",
    "load_scenario_file",
    "parse_scenario",
    "paths",
    "run_verdict",
    "safe_choice",
    "score_path",
    "shown_choices",
    "verdict",
    "worst_path",
]

ChoiceOrder = Mapping[str, Sequence[int]]
"""Per node id, the file indices of its choices in the order one run shows them."""


def advance(scenario: Scenario, node_id: str, choice_index: int) -> Step:
    """Play choice ``choice_index`` (its index in the file) at ``node_id``. Pure: the same input
    gives the same step, so the app can compare a posted (node, choice) with the run's current
    node and replay safely. Raises InvalidChoice when the node is unknown, an ending, or lacks
    that choice."""
    choice = choice_at(scenario.node(node_id), choice_index)
    target = scenario.nodes[choice.next]
    return Step(
        node_id=node_id,
        choice=choice,
        next_node_id=target.id,
        ended=target.is_ending,
        outcome=target.ending.outcome if target.ending else None,
    )


# --------------------------------------------------------------------------------------------
# No position clues: every run shows the choices in its own order


def draw_choice_order(scenario: Scenario, rng: random.Random) -> dict[str, list[int]]:
    """An order for the choices of every decision, drawn once when a run starts and stored
    with it (so a reload, the back button or a second tab show the same order)."""
    order: dict[str, list[int]] = {}
    for node in scenario.nodes.values():
        if node.is_decision:
            indices = list(range(len(node.choices)))
            rng.shuffle(indices)
            order[node.id] = indices
    return order


def shown_choices(node: Node, order: ChoiceOrder | None, fallback_seed: object) -> list[Choice]:
    """The choices of ``node`` in the run's order.

    When the stored order does not fit the node (the file changed since the run started), a
    fresh order is derived from ``fallback_seed`` (the run's id): still shuffled, still the
    same on every reload.
    """
    stored = list((order or {}).get(node.id, ()))
    if sorted(stored) != list(range(len(node.choices))):
        stored = list(range(len(node.choices)))
        if node.is_decision:
            random.Random(f"{fallback_seed}:{node.id}").shuffle(stored)
    return [node.choices[index] for index in stored]


def paths(scenario: Scenario) -> Iterator[tuple[PathStep, ...]]:
    """Every complete path from ``start`` to an ending, in file order.

    Their number can grow exponentially with the graph: meant for tests and checks on
    scenario-sized graphs, never for a request.
    """
    stack: list[tuple[str, tuple[PathStep, ...]]] = [(scenario.start, ())]
    while stack:
        node_id, prefix = stack.pop()
        node = scenario.nodes[node_id]
        if node.is_ending:
            yield prefix
            continue
        for choice in reversed(node.choices):
            stack.append((choice.next, (*prefix, (node_id, choice.index))))
