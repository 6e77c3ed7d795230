"""Tests for the pure role-play engine: validation (exact lines), scoring and stepping."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses import roleplay as rp
from training.content_source import Problem, load_yaml_text

PATH = "roleplays/noise.yaml"

# A small valid scenario; the comments give each line's number so the tests below can name the
# exact line a problem must be reported on after a one-line change.
BASE = """\
title: Noise at 23:00            # 1
summary: A neighbour dispute.    # 2
setting: Evening shift.          # 3
competencies: [listening, law]   # 4
start: knock                     # 5
nodes:                           # 6
  knock:                         # 7
    text: The door opens.        # 8
    choices:                     # 9
      - text: Introduce yourself # 10
        next: calm               # 11
        feedback: Frames it.     # 12
        points: {listening: 1}   # 13
      - text: Threaten           # 14
        next: slammed            # 15
        feedback: No power.      # 16
  calm:                          # 17
    text: He listens.            # 18
    ending:                      # 19
      outcome: resolved          # 20
      debrief: Well done.        # 21
  slammed:                       # 22
    text: The door slams.        # 23
    ending:                      # 24
      outcome: escalated         # 25
      debrief: A threat fails.   # 26
"""


def parse(text: str, render: rp.Render | None = None) -> tuple[rp.Scenario | None, list[Problem]]:
    return rp.parse_scenario(load_yaml_text(text, PATH), PATH, "noise", render)


def scenario_of(text: str) -> rp.Scenario:
    scenario, problems = parse(text)
    assert problems == []
    assert scenario is not None
    return scenario


def only_problem(text: str) -> Problem:
    """The single problem in ``text`` (one mistake must give one clear message, no cascade)."""
    scenario, problems = parse(text)
    assert scenario is None
    assert len(problems) == 1, problems
    assert problems[0].path == PATH
    return problems[0]


def changed(old: str, new: str) -> str:
    assert BASE.count(old) == 1, old
    return BASE.replace(old, new)


# --------------------------------------------------------------------------------------------
# Parsing: the happy path


def test_base_scenario_is_valid() -> None:
    scenario = scenario_of(BASE)
    assert scenario.slug == "noise"
    assert scenario.source_path == PATH
    assert scenario.start == "knock"
    assert scenario.competencies == ("listening", "law")
    assert list(scenario.nodes) == ["knock", "calm", "slammed"]
    knock = scenario.nodes["knock"]
    assert not knock.is_ending and knock.line == 7
    assert [c.line for c in knock.choices] == [10, 14]
    assert knock.choices[0].points == {"listening": 1}
    assert knock.choices[1].points == {}
    assert scenario.nodes["calm"].is_ending
    assert scenario.nodes["slammed"].ending == rp.Ending(
        "escalated", "A threat fails.", "<p>A threat fails.</p>"
    )


def test_happy_path_with_dialogue_content_note_and_rendering() -> None:
    text = """\
title: Noise at 23:00
summary: A neighbour dispute.
content_note: Mentions of violence.
setting: |
  You are on the **evening** shift.

  Your partner is <new>.
competencies: [listening]
start: knock
nodes:
  knock:
    text: Mr Martin opens the door.
    dialogue:
      - speaker: Mr Martin
        line: "What now? It's my flat."
      - speaker: Neighbour
        line: I can't sleep!
    choices:
      - text: "Good evening, <we> are the mediators"
        next: done
        feedback: Introducing yourself frames the exchange.
        points: {listening: 2}
  done:
    text: He turns the music down.
    ending: {outcome: resolved, debrief: You listened first.}
"""
    scenario = scenario_of(text)
    assert scenario.content_note == "Mentions of violence."
    assert scenario.setting_html == (
        "<p>You are on the **evening** shift.</p><p>Your partner is &lt;new&gt;.</p>"
    )
    knock = scenario.nodes["knock"]
    assert knock.dialogue == (
        rp.DialogueLine("Mr Martin", "What now? It's my flat."),
        rp.DialogueLine("Neighbour", "I can't sleep!"),
    )
    assert knock.choices[0].text_html == "Good evening, &lt;we&gt; are the mediators"
    assert knock.choices[0].feedback_html == "<p>Introducing yourself frames the exchange.</p>"
    assert scenario.nodes["done"].ending is not None
    assert scenario.nodes["done"].ending.debrief_html == "<p>You listened first.</p>"
    assert scenario_of(BASE).content_note is None


def test_render_is_called_once_per_markdown_text() -> None:
    seen: list[str] = []

    def render(markdown: str) -> str:
        seen.append(markdown)
        return f"<div>{markdown}</div>"

    scenario, problems = parse(BASE, render)
    assert problems == [] and scenario is not None
    assert scenario.nodes["knock"].text_html == "<div>The door opens.</div>"
    assert sorted(seen) == sorted(
        [
            "Evening shift.",
            "The door opens.",
            "Frames it.",
            "No power.",
            "He listens.",
            "Well done.",
            "The door slams.",
            "A threat fails.",
        ]
    )


def test_nothing_is_rendered_for_an_invalid_file() -> None:
    seen: list[str] = []
    scenario, problems = parse(changed("next: calm", "next: nowhere"), seen.append)  # type: ignore[arg-type]
    assert scenario is None and problems
    assert seen == []


def test_scenario_is_frozen_and_picklable() -> None:
    scenario = scenario_of(BASE)
    with pytest.raises(AttributeError):
        scenario.title = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        scenario.nodes["knock"].choices[0].next = "x"  # type: ignore[misc]
    # the loader may cache parsed scenarios out of process: they must survive pickling
    assert pickle.loads(pickle.dumps(scenario)) == scenario  # noqa: S301 - our own bytes


# --------------------------------------------------------------------------------------------
# Validation: one test per kind of mistake, each with its exact line


def test_not_a_mapping() -> None:
    problem = only_problem("- just\n- a list\n")
    assert problem.line == 1
    assert "must be a mapping" in problem.message


def test_missing_top_level_key() -> None:
    problem = only_problem(changed("summary: A neighbour dispute.    # 2\n", ""))
    assert problem == Problem(PATH, 1, "missing 'summary'")


def test_unknown_top_level_key() -> None:
    problem = only_problem(BASE + "author: me\n")
    assert problem.line == 27
    assert problem.message.startswith("unknown key 'author' (allowed: title, summary")


def test_wrong_type_for_text() -> None:
    problem = only_problem(changed("title: Noise at 23:00", "title: [Noise, at 23:00]"))
    assert problem == Problem(PATH, 1, "'title' must be non-empty text, not a list")


def test_empty_setting() -> None:
    problem = only_problem(changed("setting: Evening shift.", "setting: ''"))
    assert problem == Problem(PATH, 3, "'setting' must be non-empty text, it is empty")


def test_competencies_must_be_a_list() -> None:
    problem = only_problem(changed("competencies: [listening, law]", "competencies: listening"))
    assert problem.line == 4
    assert problem.message == "'competencies' must be a non-empty list of names, not text"
    problem = only_problem(changed("competencies: [listening, law]", "competencies: []"))
    assert problem.message == "'competencies' must be a non-empty list of names, it is empty"


def test_competency_listed_twice() -> None:
    text = changed("competencies: [listening, law]", "competencies: [listening, law, law]")
    assert only_problem(text) == Problem(PATH, 4, "competency 'law' is listed twice")


def test_missing_start() -> None:
    problem = only_problem(changed("start: knock                     # 5\n", ""))
    assert problem == Problem(PATH, 1, "missing 'start'")


def test_start_is_not_a_node() -> None:
    problem = only_problem(changed("start: knock", "start: hello"))
    assert problem == Problem(PATH, 5, "'start' names no node: 'hello'")


def test_start_is_an_ending() -> None:
    problems = parse(changed("start: knock", "start: calm"))[1]
    assert problems[0] == Problem(
        PATH, 5, "'start' names an ending ('calm'): the learner would have nothing to choose"
    )
    # and the real first node is now out of reach
    assert Problem(PATH, 7, "node 'knock' cannot be reached from the start") in problems


def test_next_points_to_no_node() -> None:
    scenario, problems = parse(changed("next: calm", "next: nowhere"))
    assert scenario is None
    assert problems == [
        Problem(PATH, 11, "'next' in choice 1 of node 'knock' names no node: 'nowhere'"),
        # the node it was meant to lead to is now out of reach, and that is said too
        Problem(PATH, 17, "node 'calm' cannot be reached from the start"),
    ]


def test_next_is_not_text() -> None:
    problems = parse(changed("next: calm", "next: [calm]"))[1]
    assert problems[0] == Problem(
        PATH, 11, "'next' in choice 1 of node 'knock' must be a node id, not a list"
    )


def test_yaml_booleans_in_text_get_a_hint() -> None:
    problem = only_problem(changed("- text: Threaten", "- text: No"))
    assert problem.line == 14
    assert problem.message.startswith(
        "'text' in choice 2 of node 'knock' must be non-empty text, "
        "not true/false (put it in quotes"
    )


def test_unreachable_node() -> None:
    text = (
        BASE
        + """\
  orphan:
    text: Nobody comes here.
    ending: {outcome: partial, debrief: Unreachable.}
"""
    )
    assert only_problem(text) == Problem(PATH, 27, "node 'orphan' cannot be reached from the start")


def test_cycle_names_its_nodes_at_the_closing_next() -> None:
    text = """\
title: Loop
summary: Going round.
setting: A hall.
competencies: [listening]
start: a
nodes:
  a:
    text: A.
    choices:
      - {text: Go on, next: b, feedback: On.}
  b:
    text: B.
    choices:
      - {text: Go on, next: c, feedback: On.}
      - {text: Stop, next: end, feedback: Stop.}
  c:
    text: C.
    choices:
      - {text: Back, next: a, feedback: Back.}
  end:
    text: Over.
    ending: {outcome: partial, debrief: Done.}
"""
    problem = only_problem(text)
    assert problem == Problem(PATH, 19, "cycle: a -> b -> c -> a (the graph must be acyclic)")


def test_self_loop_is_a_cycle() -> None:
    text = changed("next: calm", "next: knock")
    problems = parse(text)[1]
    assert Problem(PATH, 11, "cycle: knock -> knock (the graph must be acyclic)") in problems
    # calm is now unreachable as well: both are reported at once
    assert Problem(PATH, 17, "node 'calm' cannot be reached from the start") in problems


def test_node_with_neither_choices_nor_ending() -> None:
    text = changed(
        "    ending:                      # 24\n"
        "      outcome: escalated         # 25\n"
        "      debrief: A threat fails.   # 26\n",
        "",
    )
    problem = only_problem(text)
    assert problem == Problem(
        PATH, 22, "node 'slammed' has neither choices nor an ending: every path must end"
    )


def test_node_with_both_choices_and_ending() -> None:
    text = (
        BASE
        + """\
    choices:
      - {text: Knock again, next: calm, feedback: Patience.}
"""
    )
    problem = only_problem(text)
    assert problem.line == 22  # the node's id: the node breaks the rule, not one of its keys
    assert problem.message.startswith("node 'slammed' has both choices and an ending")


def test_empty_choices() -> None:
    text = (
        BASE
        + """\
  empty:
    text: Nothing to say.
    choices: []
"""
    )
    problems = parse(text)[1]
    assert problems == [
        Problem(PATH, 27, "node 'empty' cannot be reached from the start"),
        Problem(PATH, 29, "'choices' in node 'empty' must be a non-empty list, it is empty"),
    ]


def test_ending_with_an_invalid_outcome() -> None:
    problem = only_problem(changed("outcome: resolved", "outcome: won"))
    assert problem == Problem(
        PATH,
        20,
        "'outcome' in the ending of node 'calm' must be one of resolved, partial, escalated, "
        "not 'won'",
    )


def test_ending_without_an_outcome() -> None:
    problem = only_problem(changed("      outcome: escalated         # 25\n", ""))
    assert problem == Problem(PATH, 24, "missing 'outcome' in the ending of node 'slammed'")


def test_ending_without_a_debrief() -> None:
    problem = only_problem(changed("      debrief: Well done.        # 21\n", ""))
    assert problem == Problem(PATH, 19, "missing 'debrief' in the ending of node 'calm'")


def test_points_name_an_undeclared_competency() -> None:
    problem = only_problem(changed("points: {listening: 1}", "points: {empathy: 1}"))
    assert problem == Problem(
        PATH,
        13,
        "points in choice 1 of node 'knock' name an undeclared competency 'empathy' "
        "(declared: listening, law)",
    )


@pytest.mark.parametrize("amount", ["1.5", "two", "true", "null"])
def test_points_must_be_whole_numbers(amount: str) -> None:
    problem = only_problem(changed("points: {listening: 1}", f"points: {{listening: {amount}}}"))
    assert problem.line == 13
    assert problem.message.startswith(
        "points for 'listening' in choice 1 of node 'knock' must be a whole number "
        "(negative for a penalty)"
    )


def test_points_may_be_negative_penalties() -> None:
    scenario = scenario_of(changed("points: {listening: 1}", "points: {listening: 2, law: -1}"))
    assert scenario.node("knock").choices[0].points == {"listening": 2, "law": -1}


def test_points_on_their_own_lines() -> None:
    text = changed(
        "points: {listening: 1}   # 13\n",
        "points:                  # 13\n          listening: 1           # 14\n"
        "          law: 0.5               # 15\n",
    )
    assert only_problem(text).line == 15


def test_choice_without_feedback() -> None:
    problem = only_problem(changed("        feedback: No power.      # 16\n", ""))
    assert problem == Problem(PATH, 14, "missing 'feedback' in choice 2 of node 'knock'")


def test_choice_without_text() -> None:
    text = changed("- text: Introduce yourself # 10\n        next: calm", "- next: calm")
    assert only_problem(text) == Problem(PATH, 10, "missing 'text' in choice 1 of node 'knock'")


def test_choice_with_a_mistyped_key() -> None:
    text = changed("feedback: No power.", "feedbak: No power.")
    problems = parse(text)[1]
    assert [p.line for p in problems] == [14, 16]
    assert problems[0].message == "missing 'feedback' in choice 2 of node 'knock'"
    assert problems[1].message.startswith("unknown key 'feedbak' in choice 2 of node 'knock'")


def test_unknown_node_key() -> None:
    problem = only_problem(
        changed("    text: He listens.", "    text: He listens.\n    mood: calm")
    )
    assert problem.line == 19
    assert problem.message.startswith("unknown key 'mood' in node 'calm'")


def test_malformed_dialogue() -> None:
    text = changed(
        "    text: The door opens.        # 8\n",
        "    text: The door opens.        # 8\n    dialogue:\n      - speaker: Mr Martin\n",
    )
    assert only_problem(text) == Problem(
        PATH, 10, "missing 'line' of a dialogue entry in node 'knock'"
    )


def test_every_problem_is_reported_sorted_by_line() -> None:
    text = changed("next: calm", "next: nowhere").replace("outcome: escalated", "outcome: bad")
    text = text.replace("title: Noise at 23:00", "title: 3")
    scenario, problems = parse(text)
    assert scenario is None
    assert [p.line for p in problems] == [1, 11, 17, 25]
    assert "cannot be reached" in problems[2].message


def test_duplicate_node_ids_are_caught_by_the_loader(tmp_path: Path) -> None:
    file = tmp_path / "dup.yaml"
    file.write_text(BASE + "  calm:\n    text: Again.\n", encoding="utf-8")
    scenario, problems = rp.load_scenario_file(file, PATH, "dup")
    assert scenario is None
    assert len(problems) == 1
    assert problems[0].line == 27
    assert "duplicate key 'calm'" in problems[0].message


def test_load_scenario_file(tmp_path: Path) -> None:
    file = tmp_path / "noise.yaml"
    file.write_text(BASE, encoding="utf-8")
    scenario, problems = rp.load_scenario_file(file, PATH, "noise")
    assert problems == [] and scenario is not None and scenario.slug == "noise"
    file.write_text("title: [unclosed\n", encoding="utf-8")
    scenario, problems = rp.load_scenario_file(file, PATH, "noise")
    assert scenario is None and problems[0].message.startswith("invalid YAML")
    scenario, problems = rp.load_scenario_file(tmp_path / "missing.yaml", PATH, "noise")
    assert scenario is None and problems[0].message.startswith("cannot read the file")


# --------------------------------------------------------------------------------------------
# Scoring

# Overall best is via "law" (2 + 2 = 4); the best for listening (3) lies on the other path.
DIFFERENT_BESTS = """\
title: Two routes
summary: Listening or the law.
setting: A hall.
competencies: [listening, law, safety]
start: a
nodes:
  a:
    text: A young man blocks the stairs.
    choices:
      - {text: Listen, next: heard, feedback: He calms down., points: {listening: 3}}
      - {text: Remind the rules, next: rules, feedback: Firm but fair., points: {law: 2}}
  rules:
    text: He argues.
    choices:
      - {text: Explain the law, next: heard, feedback: Clear limits., points: {law: 2}}
      - {text: Walk away, next: heard, feedback: A missed chance., points: {}}
  heard:
    text: He moves aside.
    ending: {outcome: resolved, debrief: Good.}
"""


def test_best_overall_and_per_competency_differ() -> None:
    scenario = scenario_of(DIFFERENT_BESTS)
    assert scenario.best.total == 4
    assert scenario.best.per_competency == {"listening": 3, "law": 4, "safety": 0}
    assert scenario.best.remaining == {"heard": 0, "rules": 2, "a": 4}
    assert rp.best_scores(scenario) == scenario.best
    assert rp.best_path(scenario) == (("a", 1), ("rules", 0))
    assert rp.worst_path(scenario) == (("a", 1), ("rules", 1))


def test_score_path_percent_and_competencies() -> None:
    scenario = scenario_of(DIFFERENT_BESTS)
    score = rp.score_path(scenario, [("a", 0)])
    assert score.points == {"listening": 3, "law": 0, "safety": 0}
    assert score.total == 3 and score.best_total == 4
    assert score.percent == 75.0
    assert score.competencies == (
        rp.CompetencyScore("listening", 3, 3),
        rp.CompetencyScore("law", 0, 4),
        rp.CompetencyScore("safety", 0, 0),
    )
    assert [c.percent for c in score.competencies] == [100.0, 0.0, 100.0]
    best = rp.score_path(scenario, rp.best_path(scenario))
    assert best.total == 4 and best.percent == 100.0
    worst = rp.score_path(scenario, rp.worst_path(scenario))
    assert worst.total == 2 and worst.percent == 50.0


def test_percent_is_100_when_nothing_can_be_earned() -> None:
    scenario = scenario_of(changed("points: {listening: 1}", "points: {}"))
    assert scenario.best.total == 0
    assert rp.score_path(scenario, [("knock", 1)]).percent == 100.0


def test_unfinished_run_is_scored_so_far() -> None:
    scenario = scenario_of(DIFFERENT_BESTS)
    assert rp.score_path(scenario, []).total == 0
    assert rp.score_path(scenario, [("a", 1)]).percent == 50.0


def test_score_path_rejects_a_broken_path() -> None:
    scenario = scenario_of(DIFFERENT_BESTS)
    with pytest.raises(rp.InvalidChoice, match="run is at node 'a'"):
        rp.score_path(scenario, [("rules", 0)])
    with pytest.raises(rp.InvalidChoice, match="run is at node 'heard'"):
        rp.score_path(scenario, [("a", 0), ("rules", 0)])
    with pytest.raises(rp.InvalidChoice, match="no choice 2"):
        rp.score_path(scenario, [("a", 2)])


def test_better_choice() -> None:
    scenario = scenario_of(DIFFERENT_BESTS)
    # Listening (3) is worth less than reminding the rules (2 + 2 still to earn).
    better = rp.better_choice(scenario, "a", 0)
    assert better is not None and better.text == "Remind the rules"
    assert better.feedback == "Firm but fair."
    assert rp.better_choice(scenario, "a", 1) is None
    assert rp.better_choice(scenario, "rules", 1) == scenario.nodes["rules"].choices[0]
    assert rp.best_choice(scenario, "rules").index == 0
    with pytest.raises(rp.InvalidChoice, match="is an ending"):
        rp.best_choice(scenario, "heard")
    with pytest.raises(rp.InvalidChoice, match="no choice 5"):
        rp.better_choice(scenario, "a", 5)


def test_a_tie_is_not_a_better_choice() -> None:
    scenario = scenario_of(changed("points: {listening: 1}", "points: {}"))
    assert rp.better_choice(scenario, "knock", 0) is None
    assert rp.better_choice(scenario, "knock", 1) is None
    assert rp.best_choice(scenario, "knock").index == 0


DIAMOND = """\
title: Diamond
summary: Two routes merge.
setting: A square.
competencies: [listening, safety]
start: a
nodes:
  a:
    text: A.
    choices:
      - {text: Left, next: left, feedback: L., points: {listening: 1}}
      - {text: Right, next: right, feedback: R., points: {safety: 2}}
  left:
    text: Left.
    choices:
      - {text: Go on, next: merge, feedback: On., points: {listening: 2}}
  right:
    text: Right.
    choices:
      - {text: Go on, next: merge, feedback: On.}
  merge:
    text: Merged.
    choices:
      - {text: Careful, next: safe, feedback: Good., points: {safety: 5}}
      - {text: Rushed, next: hurt, feedback: Risky.}
  safe:
    text: Safe.
    ending: {outcome: resolved, debrief: Safe.}
  hurt:
    text: Hurt.
    ending: {outcome: escalated, debrief: Hurt.}
"""


def test_merging_paths() -> None:
    scenario = scenario_of(DIAMOND)
    assert scenario.best.remaining["merge"] == 5
    assert scenario.best.total == 8  # left (1 + 2) then careful (5)
    assert scenario.best.per_competency == {"listening": 3, "safety": 7}
    all_paths = list(rp.paths(scenario))
    assert len(all_paths) == 4
    assert sorted(rp.score_path(scenario, p).total for p in all_paths) == [2, 3, 7, 8]
    assert rp.best_path(scenario) == (("a", 0), ("left", 0), ("merge", 0))
    assert rp.worst_path(scenario) == (("a", 1), ("right", 0), ("merge", 1))
    assert rp.better_choice(scenario, "a", 1) == scenario.nodes["a"].choices[0]


# --------------------------------------------------------------------------------------------
# Stepping


def test_advance_to_a_turn_and_to_an_ending() -> None:
    scenario = scenario_of(DIFFERENT_BESTS)
    step = rp.advance(scenario, "a", 1)
    assert step.node_id == "a" and step.next_node_id == "rules"
    assert step.choice is scenario.nodes["a"].choices[1]
    assert not step.ended and step.outcome is None
    assert rp.advance(scenario, "a", 1) == step  # pure: replaying gives the same step
    end = rp.advance(scenario, "rules", 0)
    assert end.ended and end.outcome == "resolved" and end.next_node_id == "heard"


@pytest.mark.parametrize(
    ("node_id", "index", "message"),
    [
        ("a", 2, "node 'a' has no choice 2"),
        ("a", -1, "node 'a' has no choice -1"),
        ("a", True, "node 'a' has no choice True"),
        ("a", "0", "node 'a' has no choice '0'"),
        ("heard", 0, "node 'heard' is an ending"),
        ("nowhere", 0, "has no node 'nowhere'"),
    ],
)
def test_advance_rejects_invalid_choices(node_id: str, index: Any, message: str) -> None:
    scenario = scenario_of(DIFFERENT_BESTS)
    with pytest.raises(rp.InvalidChoice, match=message):
        rp.advance(scenario, node_id, index)


def test_invalid_choice_is_a_value_error() -> None:
    assert issubclass(rp.InvalidChoice, ValueError)


# --------------------------------------------------------------------------------------------
# Properties on random acyclic graphs

COMPETENCIES = ("listening", "neutrality", "safety")


@st.composite
def dags(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario as plain data: edges only go from node i to a node j > i (acyclic),
    nodes without choices are endings, and nodes unreachable from n0 are dropped."""
    size = draw(st.integers(min_value=2, max_value=9))
    edges: dict[int, list[tuple[int, dict[str, int]]]] = {}
    for i in range(size):
        later = list(range(i + 1, size))
        if not later:
            edges[i] = []
            continue
        edges[i] = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(later),
                    st.dictionaries(st.sampled_from(COMPETENCIES), st.integers(0, 5), max_size=3),
                ),
                min_size=1 if i == 0 else 0,  # the start is a turn, not an ending
                max_size=3,
            )
        )
    reachable = {0}
    for i in range(size):  # ascending order is a topological order here
        if i in reachable:
            reachable.update(j for j, _ in edges[i])
    nodes: dict[str, Any] = {}
    for i in sorted(reachable):
        if edges[i]:
            choices = [
                {"text": f"to {j}", "next": f"n{j}", "feedback": "Why.", "points": points}
                for j, points in edges[i]
            ]
            nodes[f"n{i}"] = {"text": f"Node {i}.", "choices": choices}
        else:
            outcome = draw(st.sampled_from(rp.OUTCOMES))
            nodes[f"n{i}"] = {"text": f"Node {i}.", "ending": {"outcome": outcome, "debrief": "D."}}
    return {
        "title": "Random",
        "summary": "A random graph.",
        "setting": "Anywhere.",
        "competencies": list(COMPETENCIES),
        "start": "n0",
        "nodes": nodes,
    }


@given(dags())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_best_scores_match_brute_force_over_all_paths(data: dict[str, Any]) -> None:
    scenario, problems = rp.parse_scenario(data, "random.yaml", "random")
    assert problems == []
    assert scenario is not None
    scores = [rp.score_path(scenario, path) for path in rp.paths(scenario)]
    assert scores, "every valid scenario has at least one complete path"
    assert scenario.best.total == max(s.total for s in scores)
    for name in COMPETENCIES:
        assert scenario.best.per_competency[name] == max(s.points[name] for s in scores)
    assert all(0 <= s.percent <= 100 for s in scores)
    assert rp.score_path(scenario, rp.best_path(scenario)).percent == 100.0
    assert rp.score_path(scenario, rp.worst_path(scenario)).total == min(s.total for s in scores)
    for node_id, index in rp.best_path(scenario):
        assert rp.better_choice(scenario, node_id, index) is None
    for path in rp.paths(scenario):
        assert path and rp.advance(scenario, *path[-1]).ended


def _locations(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _locations(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _locations(value, (*prefix, index))
    return found


JUNK = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


@given(st.data())
@settings(max_examples=300)
def test_junk_anywhere_gives_problems_never_a_crash(data: st.DataObject) -> None:
    scenario_data = copy.deepcopy(load_yaml_text(DIAMOND, PATH))
    where = data.draw(st.sampled_from(_locations(scenario_data)))
    junk = data.draw(JUNK)
    parent = scenario_data
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = junk
    scenario, problems = rp.parse_scenario(scenario_data, PATH, "junk")
    assert (scenario is None) == bool(problems)
    assert all(isinstance(p.line, int) and p.line >= 1 and p.message for p in problems)
