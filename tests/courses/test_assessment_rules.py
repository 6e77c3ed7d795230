"""The role-play assessment rules (issue 12): penalties floored per competency, critical choices
that can never pass, ending caps, the pass verdict, the per-run order of the choices, and the
checker's lints — unit tests with exact lines, and Hypothesis properties over random graphs."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses import roleplay as rp
from training.content_source import Problem, load_yaml_text

PATH = "roleplays/lints.yaml"

# Every lint fires once on this file (the comments give the line numbers).
LINTED = """\
title: Lints                                   # 1
summary: S.                                    # 2
setting: S.                                    # 3
competencies: [safety, law]                    # 4
start: a                                       # 5
nodes:                                         # 6
  a:                                           # 7
    text: A.                                   # 8
    choices:                                   # 9
      - text: Ask calmly what happened here    # 10
        next: b                                # 11
        feedback: F.                           # 12
        points: {safety: 2}                    # 13
      - text: Grab him                         # 14
        next: won                              # 15
        feedback: F.                           # 16
        points: {safety: -1}                   # 17
        critical: {reason: Never grab anyone.} # 18
  b:                                           # 19
    text: B.                                   # 20
    choices:                                   # 21
      - text: Call the partner organisation    # 22
        next: c                                # 23
        feedback: F.                           # 24
        points: {law: 2}                       # 25
      - text: Leave                            # 26
        next: lost                             # 27
        feedback: F.                           # 28
        points: {law: 1}                       # 29
  c:                                           # 30
    text: C.                                   # 31
    choices:                                   # 32
      - text: Wait                             # 33
        next: won                              # 34
        feedback: F.                           # 35
      - text: Go                               # 36
        next: lost                             # 37
        feedback: F.                           # 38
  won:                                         # 39
    text: W.                                   # 40
    ending: {outcome: resolved, debrief: D.}   # 41
  lost:                                        # 42
    text: L.                                   # 43
    ending: {outcome: escalated, debrief: D.}  # 44
"""


def scenario_of(text: str) -> rp.Scenario:
    scenario, problems = rp.parse_scenario(load_yaml_text(text, PATH), PATH, "lints")
    assert problems == [], problems
    assert scenario is not None
    return scenario


def problems_of(text: str) -> list[Problem]:
    scenario, problems = rp.parse_scenario(load_yaml_text(text, PATH), PATH, "lints")
    assert scenario is None
    return problems


# --------------------------------------------------------------------------------------------
# Penalties, floors, caps, critical choices


def test_penalties_subtract_and_each_competency_floors_at_zero():
    scenario = scenario_of(LINTED)
    grab = rp.score_path(scenario, [("a", 1)])  # safety -1: floored at 0, not -1
    assert grab.points == {"safety": 0, "law": 0} and grab.total == 0
    leave = rp.score_path(scenario, [("a", 0), ("b", 1)])
    assert leave.points == {"safety": 2, "law": 1} and leave.total == 3
    assert scenario.best.total == 4 and scenario.best.per_competency == {"safety": 2, "law": 2}


def test_a_capped_ending_caps_the_percentage():
    capped = LINTED.replace(
        "{outcome: escalated, debrief: D.}  ", "{outcome: escalated, debrief: D., max_score: 40}"
    )
    scenario = scenario_of(capped)
    score = rp.score_path(scenario, [("a", 0), ("b", 0), ("c", 1)])  # 4 of 4, but escalated
    assert (score.uncapped_percent, score.percent, score.cap) == (100.0, 40.0, 40.0)
    assert score.outcome == "escalated"
    below = rp.score_path(scenario, [("a", 0), ("b", 1)])  # 75 %… capped at 40
    assert below.percent == 40.0
    resolved = rp.score_path(scenario, [("a", 0), ("b", 0), ("c", 0)])
    assert resolved.cap is None and resolved.percent == 100.0


def test_a_critical_choice_never_passes_and_the_debrief_names_the_safe_practice():
    scenario = scenario_of(LINTED)
    score = rp.score_path(scenario, [("a", 1)])
    assert score.outcome == "resolved" and score.took_critical
    (step,) = score.critical
    assert (step.number, step.node_id, step.choice.text) == (1, "a", "Grab him")
    assert step.choice.critical.reason == "Never grab anyone."
    assert step.choice.critical.reason_html == "<p>Never grab anyone.</p>"
    assert step.safe.text == "Ask calmly what happened here"
    verdict = rp.run_verdict(scenario, [("a", 1)], min_score=0)
    assert not verdict.passed and verdict.took_critical and verdict.outcome_allowed
    # the safe practice, even where the critical choice would have been worth more
    assert rp.better_choice(scenario, "a", 1).text == "Ask calmly what happened here"
    assert rp.best_choice(scenario, "a").text == "Ask calmly what happened here"


@pytest.mark.parametrize(
    ("outcome", "percent", "critical", "passed", "why"),
    [
        ("resolved", 60, False, True, None),
        ("partial", 99, False, True, None),
        ("escalated", 100, False, False, "outcome"),
        ("resolved", 59.9, False, False, "score"),
        ("resolved", 100, True, False, "critical"),
        (None, None, False, False, "outcome"),
    ],
)
def test_the_pass_rule(outcome, percent, critical, passed, why):
    verdict = rp.verdict(outcome, percent, critical, 60)
    assert verdict.passed is passed
    if why == "critical":
        assert verdict.took_critical
    elif why == "outcome":
        assert not verdict.outcome_allowed
    elif why == "score":
        assert not verdict.score_reached


def test_the_course_chooses_the_outcomes_that_may_pass():
    assert not rp.verdict("partial", 80, False, 60, ("resolved",)).passed
    assert rp.verdict("resolved", 80, False, 60, ("resolved",)).passed


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "critical: {reason: Never grab anyone.}",
            "critical: yes",
            18,
            "'critical' in choice 2 of node 'a' must be a mapping with a 'reason' (why this "
            "choice is unsafe or unlawful), not true/false",
        ),
        (
            "critical: {reason: Never grab anyone.}",
            "critical: {}",
            18,
            "missing 'reason' of 'critical' in choice 2 of node 'a'",
        ),
        (
            "critical: {reason: Never grab anyone.}",
            "critical: {reason: Never., why: x}",
            18,
            "unknown key 'why' of 'critical' in choice 2 of node 'a' (allowed: reason)",
        ),
        (
            "{outcome: escalated, debrief: D.}  ",
            "{outcome: escalated, debrief: D., max_score: 120}",
            44,
            "'max_score' in the ending of node 'lost' must be a percentage from 0 to 100, not 120",
        ),
    ],
)
def test_format_mistakes_are_reported_on_their_line(old, new, line, message):
    assert old in LINTED
    (problem,) = problems_of(LINTED.replace(old, new))
    assert (problem.line, problem.message) == (line, message)


# --------------------------------------------------------------------------------------------
# No position clues


def test_a_fixed_seed_draws_an_order_that_is_not_the_files_and_scoring_is_unchanged():
    scenario = scenario_of(LINTED)
    order = rp.draw_choice_order(scenario, random.Random(3))
    assert set(order) == {"a", "b", "c"}  # every decision, nothing else
    assert any(order[n] != list(range(len(scenario.nodes[n].choices))) for n in order)
    assert order != {n: list(range(len(scenario.nodes[n].choices))) for n in order}
    # The same seed, the same order (what a reload, the back button or a second tab see).
    assert rp.draw_choice_order(scenario, random.Random(3)) == order
    # Playing the best choices as shown — by their text — scores as the file's path does.
    by_text = []
    node = scenario.nodes[scenario.start]
    while not node.is_ending:
        shown = rp.shown_choices(node, order, fallback_seed=1)
        best_text = rp.best_choice(scenario, node.id).text
        position = [c.text for c in shown].index(best_text)
        by_text.append((node.id, shown[position].index))
        node = scenario.nodes[shown[position].next]
    assert rp.score_path(scenario, by_text) == rp.score_path(scenario, rp.best_path(scenario))
    assert rp.score_path(scenario, by_text).percent == 100.0


def test_an_order_that_no_longer_fits_is_redrawn_stably_from_the_run():
    node = scenario_of(LINTED).nodes["a"]
    stale = {"a": [0, 1, 2]}  # a choice was removed since the run started
    first = rp.shown_choices(node, stale, fallback_seed=42)
    assert sorted(c.index for c in first) == [0, 1]
    assert rp.shown_choices(node, stale, fallback_seed=42) == first


# --------------------------------------------------------------------------------------------
# Lints


def test_every_lint_with_its_line():
    found = rp.lint_scenario(scenario_of(LINTED), min_score=60)
    assert [(p.line, p.message) for p in found] == [
        (
            7,
            "warning: the best choice is choice 1 in the file in every decision (2 of them): "
            "vary its position (learners see a shuffled order, but printouts and reviews "
            "follow the file)",
        ),
        (
            7,
            "warning: the best choice is the longest text in 2 of 3 decisions (a, b): vary "
            "the lengths so that length does not give the answer away",
        ),
        (
            14,
            "warning: critical choice 2 of node 'a' can still lead to a resolved ending: after "
            "an unsafe choice the situation should not end resolved",
        ),
        (
            30,
            "warning: all 2 choices of node 'c' give the same points: the decision assesses "
            "nothing; give the choices different points",
        ),
        (
            42,
            "warning: the escalated ending 'lost' can be reached with 100 % "
            "(roleplay_min_score is 60 %): set its max_score below 60",
        ),
    ]
    assert all(p.path == PATH for p in found)


CLEAN = """\
title: Written to the rules
summary: S.
setting: S.
competencies: [safety, law]
start: a
nodes:
  a:
    text: A.
    choices:
      - text: Grab him by the arm
        next: lost
        feedback: F.
        points: {safety: -2}
        critical: {reason: Never grab anyone.}
      - text: Ask calmly
        next: b
        feedback: F.
        points: {safety: 2}
  b:
    text: B.
    choices:
      - text: Call the partner organisation
        next: won
        feedback: F.
        points: {law: 2}
      - text: Leave
        next: lost
        feedback: F.
        points: {law: -1}
  won:
    text: W.
    ending: {outcome: resolved, debrief: D.}
  lost:
    text: L.
    ending: {outcome: escalated, debrief: D., max_score: 50}
"""


def test_a_scenario_written_to_the_rules_has_no_lint():
    assert rp.lint_scenario(scenario_of(CLEAN), min_score=60) == []


# --------------------------------------------------------------------------------------------
# Properties over random graphs (penalties, critical choices, caps)

COMPETENCIES = ("listening", "safety", "law")


@st.composite
def assessed_dags(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid scenario with penalties, critical choices and capped endings."""
    size = draw(st.integers(2, 9))
    edges: dict[int, list[tuple[int, dict[str, int], bool]]] = {}
    for i in range(size):
        later = list(range(i + 1, size))
        edges[i] = (
            draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(later),
                        st.dictionaries(
                            st.sampled_from(COMPETENCIES), st.integers(-4, 5), max_size=3
                        ),
                        st.booleans(),
                    ),
                    min_size=1 if i == 0 else 0,
                    max_size=3,
                )
            )
            if later
            else []
        )
    reachable = {0}
    for i in range(size):
        if i in reachable:
            reachable.update(j for j, _p, _c in edges[i])
    nodes: dict[str, Any] = {}
    for i in sorted(reachable):
        if edges[i]:
            choices = []
            for j, points, critical in edges[i]:
                choice = {"text": f"to {j}", "next": f"n{j}", "feedback": "Why.", "points": points}
                if critical:
                    choice["critical"] = {"reason": "Unsafe."}
                choices.append(choice)
            nodes[f"n{i}"] = {"text": f"Node {i}.", "choices": choices}
        else:
            ending: dict[str, Any] = {
                "outcome": draw(st.sampled_from(rp.OUTCOMES)),
                "debrief": "D.",
            }
            cap = draw(st.none() | st.integers(0, 100))
            if cap is not None:
                ending["max_score"] = cap
            nodes[f"n{i}"] = {"text": f"Node {i}.", "ending": ending}
    return {
        "title": "Random",
        "summary": "A random graph.",
        "setting": "Anywhere.",
        "competencies": list(COMPETENCIES),
        "start": "n0",
        "nodes": nodes,
    }


def _ending_of(scenario: rp.Scenario, path: tuple[rp.PathStep, ...]) -> rp.Ending:
    return scenario.node(rp.advance(scenario, *path[-1]).next_node_id).ending


@given(assessed_dags(), st.floats(0, 100), st.lists(st.sampled_from(rp.OUTCOMES), min_size=1))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_run_through_a_critical_choice_never_passes(data, min_score, allowed):
    scenario, problems = rp.parse_scenario(data, "random.yaml", "random")
    assert problems == [] and scenario is not None
    for path in rp.paths(scenario):
        score = rp.score_path(scenario, path)
        critical = any(scenario.node(n).choices[i].is_critical for n, i in path)
        assert score.took_critical == critical
        judged = rp.run_verdict(scenario, path, min_score, allowed)
        if critical:
            assert not judged.passed
        else:
            assert judged.passed == (score.outcome in allowed and score.percent >= min_score)


@given(assessed_dags())
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_capped_ending_never_exceeds_its_cap_and_floors_hold(data):
    scenario, problems = rp.parse_scenario(data, "random.yaml", "random")
    assert problems == [] and scenario is not None
    scores = []
    for path in rp.paths(scenario):
        score = rp.score_path(scenario, path)
        scores.append(score)
        ending = _ending_of(scenario, path)
        assert 0 <= score.percent <= 100
        if ending.max_score is not None:
            assert score.percent <= ending.max_score
        assert all(points >= 0 for points in score.points.values())
        assert score.total == sum(score.points.values()) <= scenario.best.total
    # the best total is exact with penalties (brute force), and best_path reaches it
    assert scenario.best.total == max(s.total for s in scores)
    for name in COMPETENCIES:
        assert scenario.best.per_competency[name] == max(s.points[name] for s in scores)
    best = rp.score_path(scenario, rp.best_path(scenario))
    assert best.total == scenario.best.total and best.uncapped_percent == 100.0


@given(assessed_dags(), st.integers(0, 2**32))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_order_shown_never_changes_what_a_choice_is_worth(data, seed):
    scenario, _ = rp.parse_scenario(data, "random.yaml", "random")
    order = rp.draw_choice_order(scenario, random.Random(seed))
    for node in scenario.nodes.values():
        shown = rp.shown_choices(node, order, fallback_seed=seed)
        assert sorted(c.index for c in shown) == list(range(len(node.choices)))
        assert all(node.choices[c.index] is c for c in shown)
