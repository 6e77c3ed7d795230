"""The bundled role-plays grade judgement (issue 13, rules of docs/content-format.md):

* every scenario's best path passes: a resolved ending, no critical choice, 100 %;
* every path through a critical choice fails, and none of them ends resolved;
* every escalated ending is capped below the course's roleplay_min_score, so no escalated run
  passes;
* the checker's lints hold: the best choice is not the longest text in more than half of the
  decisions, its position in the file varies, and the choices of a decision differ in points;
* a mistake (a penalty or a critical choice) changes the story: it never leads where the safe
  choice leads.

Every path of every scenario is enumerated (a few hundred in all), so the figures are exact.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from courses import roleplay
from training.content_source import load_yaml_file

COURSE = Path(__file__).resolve().parents[2] / "content" / "cap-apm"
ROLEPLAYS = COURSE / "roleplays"
FILES = sorted(ROLEPLAYS.glob("*.yaml"))
IDS = [p.stem for p in FILES]
BLOCKS = {"EP1", "EP2", "EP3", "CCP1", "CCP2", "CCP3"}
NEW = ("france-services-counter", "family-interpreter")

# The assessment engine of issue 12 (critical choices, penalties, max_score, lints); until it is
# on main, main's engine rejects these files, so only the file-level tests run.
ENGINE = all(hasattr(roleplay, name) for name in ("lint_scenario", "run_verdict", "safe_choice"))
needs_engine = pytest.mark.skipif(
    not ENGINE,
    reason="needs the role-play engine of issue 12 (critical, negative points, max_score, lints)",
)


def _min_score() -> float:
    manifest = load_yaml_file(COURSE / "course.yaml")
    return float((manifest.get("completion") or {}).get("roleplay_min_score", 60))


def _load(path: Path):
    scenario, problems = roleplay.load_scenario_file(path, f"roleplays/{path.name}", path.stem)
    assert not problems, "\n".join(f"{p.path}:{p.line}: {p.message}" for p in problems)
    return scenario


def _runs(scenario):
    """(path, score, ending) for every complete path."""
    for path in roleplay.paths(scenario):
        score = roleplay.score_path(scenario, path)
        node_id, index = path[-1]
        ending = scenario.nodes[scenario.node(node_id).choices[index].next].ending
        yield path, score, ending


def _passes(score, ending, min_score: float) -> bool:
    """The contract's pass rule, stated independently of the engine's ``verdict``."""
    allowed = ending.outcome in ("resolved", "partial")
    return allowed and score.percent >= min_score and not score.took_critical


def _decisions(scenario):
    return [node for node in scenario.nodes.values() if not node.is_ending]


def _safe(scenario, node):
    return roleplay.safe_choice(scenario, node.id)


# --------------------------------------------------------------------------------------------
# File-level checks (any engine)


def test_the_bundled_course_has_its_ten_roleplays():
    assert len(FILES) == 10
    for slug in NEW:
        assert (ROLEPLAYS / f"{slug}.yaml").is_file()


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_each_scenario_names_its_competency_blocks(path: Path):
    data = load_yaml_file(path)
    blocks = data.get("blocks")
    assert isinstance(blocks, list) and blocks, "a top-level 'blocks:' list"
    assert set(blocks) <= BLOCKS
    assert any(b.startswith("EP") for b in blocks) and any(b.startswith("CCP") for b in blocks)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_critical_choice_gives_a_reason_and_costs_points(path: Path):
    data = load_yaml_file(path)
    criticals = [
        choice
        for node in data["nodes"].values()
        for choice in node.get("choices") or ()
        if "critical" in choice
    ]
    for choice in criticals:
        assert str(choice["critical"]["reason"]).strip()
        assert sum((choice.get("points") or {}).values()) < 0, choice["text"]


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_plain_text_fields_carry_no_markdown(path: Path):
    """Choices (inside buttons), dialogue lines and content notes are shown as plain text, so
    Markdown emphasis would show its asterisks to the learner."""
    data = load_yaml_file(path)
    texts = [data.get("content_note") or ""]
    for node in data["nodes"].values():
        texts += [choice["text"] for choice in node.get("choices") or ()]
        texts += [line["line"] for line in node.get("dialogue") or ()]
    assert not [t for t in texts if "*" in t or "`" in t or "](" in t]


# --------------------------------------------------------------------------------------------
# Graded with the assessment engine


@needs_engine
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_best_path_passes(path: Path):
    scenario = _load(path)
    min_score = _min_score()
    steps = roleplay.best_path(scenario)
    score = roleplay.score_path(scenario, steps)
    assert score.outcome == "resolved"
    assert score.percent == 100.0
    assert not score.took_critical
    assert roleplay.run_verdict(scenario, steps, min_score).passed
    assert len(steps) >= 4 if path.stem in NEW else len(steps) >= 3
    if path.stem in NEW:
        assert len(steps) <= 6


@needs_engine
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_a_perfect_run_fills_every_competency_bar(path: Path):
    """Each competency is shown against its own best: on the best path every bar is full, so a
    learner who played perfectly is not told that some other path earned more listening."""
    scenario = _load(path)
    score = roleplay.score_path(scenario, roleplay.best_path(scenario))
    for competency in score.competencies:
        assert competency.best > 0, f"{competency.competency} can never be earned"
        assert competency.points == competency.best, competency


@needs_engine
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_path_through_a_critical_choice_fails(path: Path):
    scenario = _load(path)
    min_score = _min_score()
    critical_runs = 0
    for steps, score, ending in _runs(scenario):
        if not score.took_critical:
            continue
        critical_runs += 1
        assert ending.outcome != "resolved", steps
        assert not _passes(score, ending, min_score)
        assert not roleplay.run_verdict(scenario, steps, min_score).passed
    has_critical = any(c.is_critical for n in _decisions(scenario) for c in n.choices)
    assert critical_runs > 0 if has_critical else critical_runs == 0


@needs_engine
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_escalated_ending_is_capped_below_the_pass_mark(path: Path):
    scenario = _load(path)
    min_score = _min_score()
    escalated = [
        n for n in scenario.nodes.values() if n.is_ending and n.ending.outcome == "escalated"
    ]
    assert escalated
    for node in escalated:
        assert node.ending.max_score is not None and node.ending.max_score < min_score, node.id
    for steps, score, ending in _runs(scenario):
        if ending.outcome == "escalated":
            assert score.percent < min_score, steps
            assert not roleplay.run_verdict(scenario, steps, min_score).passed


@needs_engine
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_the_checker_lints_hold(path: Path):
    scenario = _load(path)
    assert roleplay.lint_scenario(scenario, _min_score()) == []


@needs_engine
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_best_choice_gives_no_clue_by_length_or_position(path: Path):
    """Stated on its own too: the best is the strictly longest text in at most half of the
    decisions (over the whole graph and over the best path), and its position varies."""
    scenario = _load(path)
    decisions = _decisions(scenario)
    longest, positions = 0, set()
    for node in decisions:
        best = _safe(scenario, node)
        positions.add(best.index)
        if all(len(best.text) > len(c.text) for c in node.choices if c is not best):
            longest += 1
    assert longest * 2 <= len(decisions), f"{longest} of {len(decisions)}"
    assert len(positions) >= 2, positions
    on_path = [scenario.node(node_id) for node_id, _ in roleplay.best_path(scenario)]
    longest_on_path = sum(
        all(
            len(_safe(scenario, n).text) > len(c.text)
            for c in n.choices
            if c is not _safe(scenario, n)
        )
        for n in on_path
    )
    assert longest_on_path * 2 <= len(on_path)


@needs_engine
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_choices_differ_in_points_and_the_best_is_unique(path: Path):
    scenario = _load(path)
    for node in _decisions(scenario):
        assert len(node.choices) >= 3, node.id
        assert len({c.total for c in node.choices}) > 1, node.id
        values = sorted((roleplay.choice_value(scenario, c) for c in node.choices), reverse=True)
        assert values[0] > values[1], f"{node.id}: two best choices"
        assert not roleplay.best_choice(scenario, node.id).is_critical


@needs_engine
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_mistake_changes_the_story(path: Path):
    scenario = _load(path)
    for node in _decisions(scenario):
        safe = _safe(scenario, node)
        for choice in node.choices:
            if choice is safe:
                continue
            if choice.is_critical or choice.total < 0:
                assert choice.next != safe.next, f"{node.id}: {choice.text}"
            assert choice.feedback.strip()


@needs_engine
@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_three_kinds_of_ending_and_the_worst_path_fails(path: Path):
    scenario = _load(path)
    outcomes = {n.ending.outcome for n in scenario.nodes.values() if n.is_ending}
    assert outcomes == {"resolved", "partial", "escalated"}
    worst = roleplay.worst_path(scenario)
    score = roleplay.score_path(scenario, worst)
    assert score.outcome == "escalated" and score.percent < _min_score()
