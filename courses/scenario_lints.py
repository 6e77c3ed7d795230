"""Checker lints for role-plays: what makes a scenario easy to game or unsafe to pass (pure).

``flask courses check`` reports these as warnings (``--strict`` makes them errors). Each has the
file and line of what to fix:

* an ``escalated`` ending that a run can reach with a passing score (cap it with ``max_score``
  below the course's ``roleplay_min_score``);
* a critical choice from which a ``resolved`` ending can still be reached;
* the best choice is the longest text in more than half of the scenario's decisions;
* the best choice is always at the same position in the file;
* all the choices of a decision give the same points.

A *decision* is a node with two choices or more; its *best choice* is the one with the highest
value (``courses.scenario_scoring.choice_value``), counted only when it is the only one with
that value (a tie tells a learner nothing).
"""

from __future__ import annotations

from collections.abc import Collection

from courses.scenario import Choice, Node, Scenario
from courses.scenario_graph import floored, outcomes_reachable, prefix_frontiers
from courses.scenario_scoring import capped, choice_value, percent_of
from training.content_source import Problem

WARNING = "warning: "


def _figure(value: float) -> str:
    """``62.5`` / ``60``: the CLI's English figures (one decimal at most)."""
    from training.numbers import format_number

    return format_number(value, "en")


def lint_scenario(
    scenario: Scenario, min_score: float, allowed_outcomes: Collection[str] = ()
) -> list[Problem]:
    """Every lint warning for ``scenario`` under the course's ``roleplay_min_score``."""
    path = scenario.source_path
    found: list[Problem] = []
    found += _escalated_with_a_pass(scenario, min_score, path)
    found += _critical_then_resolved(scenario, path)
    found += _position_and_length_clues(scenario, path)
    found += _flat_decisions(scenario, path)
    return sorted(found)


def _escalated_with_a_pass(scenario: Scenario, min_score: float, path: str) -> list[Problem]:
    prefixes = prefix_frontiers(scenario.start, scenario.nodes, scenario.competencies)
    found = []
    for node in scenario.nodes.values():
        if node.ending is None or node.ending.outcome != "escalated" or node.id not in prefixes:
            continue
        best = max(floored(vector) for vector in prefixes[node.id])
        reached = capped(percent_of(best, scenario.best.total), node.ending.max_score)
        if reached >= min_score:
            found.append(
                Problem(
                    path,
                    node.line,
                    f"{WARNING}the escalated ending {node.id!r} can be reached with "
                    f"{_figure(reached)} % (roleplay_min_score is {_figure(min_score)} %): "
                    f"set its max_score below {_figure(min_score)}",
                )
            )
    return found


def _critical_then_resolved(scenario: Scenario, path: str) -> list[Problem]:
    outcomes = outcomes_reachable(scenario.start, scenario.nodes)
    found = []
    for node in scenario.nodes.values():
        for choice in node.choices:
            if choice.is_critical and "resolved" in outcomes.get(choice.next, frozenset()):
                found.append(
                    Problem(
                        path,
                        choice.line,
                        f"{WARNING}critical choice {choice.index + 1} of node {node.id!r} can "
                        "still lead to a resolved ending: after an unsafe choice the "
                        "situation should not end resolved",
                    )
                )
    return found


def _unique_best(scenario: Scenario, node: Node) -> Choice | None:
    values = [(choice_value(scenario, c), c) for c in node.choices if not c.is_critical]
    if not values:
        return None
    top = max(value for value, _ in values)
    best = [c for value, c in values if value == top]
    return best[0] if len(best) == 1 else None


def _position_and_length_clues(scenario: Scenario, path: str) -> list[Problem]:
    bests = [(node, best) for node in scenario.decisions if (best := _unique_best(scenario, node))]
    found = []
    longest = [
        node
        for node, best in bests
        if all(len(best.text) > len(other.text) for other in node.choices if other is not best)
    ]
    decisions = len(scenario.decisions)
    if longest and len(longest) * 2 > decisions:
        names = ", ".join(node.id for node in longest)
        found.append(
            Problem(
                path,
                longest[0].line,
                f"{WARNING}the best choice is the longest text in {len(longest)} of "
                f"{decisions} decisions ({names}): vary the lengths so that length does not "
                "give the answer away",
            )
        )
    positions = {best.index for _node, best in bests}
    if len(bests) >= 2 and len(positions) == 1:
        position = positions.pop() + 1
        found.append(
            Problem(
                path,
                bests[0][0].line,
                f"{WARNING}the best choice is choice {position} in the file in every decision "
                f"({len(bests)} of them): vary its position (learners see a shuffled order, "
                "but printouts and reviews follow the file)",
            )
        )
    return found


def _flat_decisions(scenario: Scenario, path: str) -> list[Problem]:
    found = []
    for node in scenario.decisions:
        kinds = {tuple(sorted((k, v) for k, v in c.points.items() if v)) for c in node.choices}
        if len(kinds) == 1:
            found.append(
                Problem(
                    path,
                    node.line,
                    f"{WARNING}all {len(node.choices)} choices of node {node.id!r} give the "
                    "same points: the decision assesses nothing; give the choices different "
                    "points",
                )
            )
    return found
