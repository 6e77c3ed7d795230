"""Scoring a role-play run and deciding whether it passes (pure).

Scoring rules:

* a choice carries points per competency, possibly negative (a penalty);
* a run's points in a competency are the sum over the choices on its path, **floored at 0**;
  its total is the sum of those floored points;
* its percentage is that total over the best total achievable from ``start`` to any ending
  (100 % when nothing can be earned), then **capped** by the ``max_score`` of the ending it
  reached, if the ending sets one;
* each competency is also shown against its own best, computed independently: the best
  listening score may lie on a different path from the best overall score.

Pass rule (``verdict``): a run passes when it ended on an outcome the course allows (default
``resolved`` and ``partial``), took **no critical choice** and reached the course's
``roleplay_min_score``. It works on stored values (outcome, percent, critical flag), so the
completion rule can judge runs without replaying them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from courses.scenario import (
    DEFAULT_PASSING_OUTCOMES,
    BestScores,
    Choice,
    CompetencyScore,
    CriticalStep,
    InvalidChoice,
    Node,
    Outcome,
    PathStep,
    RunScore,
    Scenario,
)
from courses.scenario_graph import (
    Vector,
    add,
    floored,
    postorder,
    suffix_frontiers,
    vector_of,
)


def compute_best(start: str, nodes: Mapping[str, Node], competencies: Sequence[str]) -> BestScores:
    """The best total (exact, with floors), each competency's own best and each node's best
    remaining total (see ``BestScores``)."""
    frontiers = suffix_frontiers(start, nodes, competencies)
    remaining = {node_id: max(map(floored, vectors)) for node_id, vectors in frontiers.items()}
    per_node: dict[str, dict[str, int]] = {}
    for node_id in postorder(start, nodes):
        node = nodes[node_id]
        if node.is_ending or not node.choices:
            per_node[node_id] = dict.fromkeys(competencies, 0)
            continue
        per_node[node_id] = {
            name: max(c.points.get(name, 0) + per_node[c.next][name] for c in node.choices)
            for name in competencies
        }
    per_competency = {name: max(0, best) for name, best in per_node[start].items()}
    return BestScores(
        total=remaining[start],
        per_competency=per_competency,
        remaining=remaining,
        frontiers=frontiers,
    )


def best_scores(scenario: Scenario) -> BestScores:
    """Recompute the best achievable scores from the graph (``scenario.best`` holds them)."""
    return compute_best(scenario.start, scenario.nodes, scenario.competencies)


def percent_of(points: float, best: float) -> float:
    """``points`` as a percentage of ``best``; 100 when nothing could be earned at all."""
    if best <= 0:
        return 100.0
    return min(100.0, max(0.0, points * 100.0 / best))


def capped(percent: float, cap: float | None) -> float:
    return percent if cap is None else min(percent, float(cap))


def choice_at(node: Node, index: int) -> Choice:
    if node.is_ending:
        raise InvalidChoice(f"node {node.id!r} is an ending: there is no choice to make")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(node.choices):
        raise InvalidChoice(
            f"node {node.id!r} has no choice {index!r} (it has {len(node.choices)})"
        )
    return node.choices[index]


def score_path(scenario: Scenario, choices: Sequence[PathStep]) -> RunScore:
    """Score a run given as its (node id, choice index) steps, from ``start`` in order.

    The steps must follow each other through the graph (a broken or tampered path raises
    InvalidChoice rather than being scored); an unfinished run is scored as far as it went (no
    cap and no outcome until it reaches an ending).
    """
    sums = dict.fromkeys(scenario.competencies, 0)
    critical: list[CriticalStep] = []
    expected = scenario.start
    for position, (node_id, index) in enumerate(choices):
        if node_id != expected:
            raise InvalidChoice(
                f"step {position + 1} is played from node {node_id!r}, "
                f"but the run is at node {expected!r}"
            )
        choice = choice_at(scenario.node(node_id), index)
        for name, amount in choice.points.items():
            sums[name] = sums.get(name, 0) + amount
        if choice.is_critical:
            critical.append(
                CriticalStep(position + 1, node_id, choice, safe_choice(scenario, node_id))
            )
        expected = choice.next
    points = {name: max(0, amount) for name, amount in sums.items()}
    total = sum(points.values())
    best = scenario.best
    ending = scenario.nodes[expected].ending if expected in scenario.nodes else None
    cap = ending.max_score if ending is not None else None
    uncapped = percent_of(total, best.total)
    return RunScore(
        points=points,
        total=total,
        best_total=best.total,
        percent=capped(uncapped, cap),
        competencies=tuple(
            CompetencyScore(name, points[name], best.per_competency.get(name, 0))
            for name in scenario.competencies
        ),
        uncapped_percent=uncapped,
        cap=cap if cap is not None and cap < uncapped else None,
        critical=tuple(critical),
        outcome=ending.outcome if ending is not None else None,
    )


# --------------------------------------------------------------------------------------------
# The best choice at a decision


def choice_value(scenario: Scenario, choice: Choice) -> int:
    """The best total achievable from the node of ``choice`` by taking it (counted from there:
    its points plus the best that can follow, floored per competency)."""
    own = vector_of(choice, scenario.competencies)
    frontiers = _frontiers(scenario)
    return max(floored(add(own, after)) for after in frontiers[choice.next])


def _frontiers(scenario: Scenario) -> Mapping[str, frozenset[Vector]]:
    return scenario.best.frontiers


def best_choice(scenario: Scenario, node_id: str) -> Choice:
    """The choice at ``node_id`` with the highest value, never a critical one unless every
    choice there is critical (the first in the file on a tie)."""
    node = scenario.node(node_id)
    if not node.choices:
        raise InvalidChoice(f"node {node_id!r} is an ending: it has no choices")
    candidates = [c for c in node.choices if not c.is_critical] or list(node.choices)
    return max(candidates, key=lambda choice: choice_value(scenario, choice))


def safe_choice(scenario: Scenario, node_id: str) -> Choice | None:
    """The safe practice at ``node_id``: its best non-critical choice (None if all are)."""
    node = scenario.node(node_id)
    candidates = [c for c in node.choices if not c.is_critical]
    if not candidates:
        return None
    return max(candidates, key=lambda choice: choice_value(scenario, choice))


def better_choice(scenario: Scenario, node_id: str, chosen_index: int) -> Choice | None:
    """For the debrief: the best choice at ``node_id`` when it beats the one taken, else None.

    A critical choice is always beaten by the safe practice; otherwise a choice worth as much as
    the best (a tie) counts as best and no "better choice" is shown.
    """
    chosen = choice_at(scenario.node(node_id), chosen_index)
    best = best_choice(scenario, node_id)
    if chosen.is_critical and not best.is_critical:
        return best
    if choice_value(scenario, chosen) >= choice_value(scenario, best):
        return None
    return best


def best_path(scenario: Scenario) -> tuple[PathStep, ...]:
    """A path reaching the best total, avoiding critical choices where the best total allows.

    Follows one best vector of the frontier from the start, so it is exact with penalties.
    """
    frontiers = _frontiers(scenario)
    competencies = scenario.competencies
    node = scenario.nodes[scenario.start]
    target = max(frontiers[node.id], key=floored)
    steps: list[PathStep] = []
    while not node.is_ending:
        ordered = sorted(node.choices, key=lambda c: c.is_critical)
        for choice in ordered:
            own = vector_of(choice, competencies)
            rest = next(
                (after for after in frontiers[choice.next] if add(own, after) == target), None
            )
            if rest is not None:
                break
        else:  # unreachable: the target comes from these very frontiers
            raise AssertionError("frontier and graph disagree")
        steps.append((node.id, choice.index))
        target = rest
        node = scenario.nodes[choice.next]
    return tuple(steps)


def worst_path(scenario: Scenario) -> tuple[PathStep, ...]:
    """A path with the lowest raw total (penalties count; first one on a tie), in linear time."""
    lowest: dict[str, int] = {}
    for node_id in postorder(scenario.start, scenario.nodes):
        node = scenario.nodes[node_id]
        lowest[node_id] = min((c.total + lowest[c.next] for c in node.choices), default=0)
    steps: list[PathStep] = []
    node = scenario.nodes[scenario.start]
    while not node.is_ending:
        choice = min(node.choices, key=lambda c: c.total + lowest[c.next])
        steps.append((node.id, choice.index))
        node = scenario.nodes[choice.next]
    return tuple(steps)


# --------------------------------------------------------------------------------------------
# Passing


@dataclass(frozen=True)
class Verdict:
    """Whether a finished run passes, and each reason it does not."""

    passed: bool
    outcome_allowed: bool
    took_critical: bool
    score_reached: bool


def verdict(
    outcome: Outcome | str | None,
    percent: float | None,
    took_critical: bool,
    min_score: float,
    allowed_outcomes: Collection[str] = DEFAULT_PASSING_OUTCOMES,
) -> Verdict:
    """The pass rule (module docstring). An unfinished run (no outcome) never passes."""
    outcome_ok = outcome is not None and outcome in allowed_outcomes
    score_ok = percent is not None and percent >= min_score
    passed = outcome_ok and score_ok and not took_critical
    return Verdict(passed, outcome_ok, bool(took_critical), score_ok)


def run_verdict(
    scenario: Scenario,
    path: Sequence[PathStep],
    min_score: float,
    allowed_outcomes: Collection[str] = DEFAULT_PASSING_OUTCOMES,
) -> Verdict:
    """``verdict`` for a path replayed against the scenario."""
    score = score_path(scenario, path)
    return verdict(score.outcome, score.percent, score.took_critical, min_score, allowed_outcomes)
