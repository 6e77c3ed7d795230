"""Every bundled role-play can be played to 100 % and a resolved ending along its best path,
and ends escalated along its worst path (issue 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from courses.roleplay import advance, best_path, load_scenario_file, score_path, worst_path

ROLEPLAYS = Path(__file__).resolve().parents[2] / "content" / "cap-apm" / "roleplays"
FILES = sorted(ROLEPLAYS.glob("*.yaml"))


def _load(path: Path):
    scenario, problems = load_scenario_file(path, f"roleplays/{path.name}", path.stem)
    assert not problems, "\n".join(f"{p.path}:{p.line}: {p.message}" for p in problems)
    return scenario


def _ending(scenario, steps):
    node_id = scenario.start
    for at, index in steps:
        assert at == node_id
        node_id = advance(scenario, at, index).next_node_id
    node = scenario.nodes[node_id]
    assert node.is_ending
    return node.ending


def test_the_bundled_course_has_its_eight_roleplays():
    assert len(FILES) == 8


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_best_path_reaches_100_percent_and_resolves(path: Path):
    scenario = _load(path)
    steps = best_path(scenario)
    assert score_path(scenario, steps).percent == 100.0
    assert _ending(scenario, steps).outcome == "resolved"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_worst_path_escalates(path: Path):
    scenario = _load(path)
    steps = worst_path(scenario)
    assert _ending(scenario, steps).outcome == "escalated"
    assert score_path(scenario, steps).percent < 100.0


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_plain_text_fields_carry_no_markdown(path: Path):
    """Choices (inside buttons), dialogue lines and content notes are shown as plain text, so
    Markdown emphasis would show its asterisks to the learner."""
    scenario = _load(path)
    texts = [scenario.content_note or ""]
    for node in scenario.nodes.values():
        texts += [choice.text for choice in node.choices]
        texts += [line.line for line in node.dialogue]
    assert not [t for t in texts if "*" in t or "`" in t or "](" in t]
