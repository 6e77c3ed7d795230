"""Honest hours (issue 13): the learning-time estimate's rules and the checker's warning."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from courses.estimate import (
    MINUTES_PER_DECISION,
    MINUTES_PER_QUESTION,
    MINUTES_PER_ROLEPLAY,
    Estimate,
    estimate,
    estimate_course,
    hours_warning,
    longest_run,
    questions_per_attempt,
)
from courses.loader import load_course
from tests.courses.course_factory import COURSE_YAML, write_course


@dataclass
class FakeChoice:
    next: str


@dataclass
class FakeNode:
    choices: tuple[FakeChoice, ...] = ()
    ending: bool = False

    @property
    def is_ending(self) -> bool:
        return self.ending


@dataclass
class Graph:
    nodes: dict[str, FakeNode] = field(default_factory=dict)

    def decide(self, node_id: str, *targets: str) -> Graph:
        self.nodes[node_id] = FakeNode(tuple(FakeChoice(t) for t in targets))
        return self

    def end(self, *node_ids: str) -> Graph:
        for node_id in node_ids:
            self.nodes[node_id] = FakeNode(ending=True)
        return self


def test_the_allowances_are_the_documented_ones():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "content-format.md").read_text()
    assert (MINUTES_PER_QUESTION, MINUTES_PER_ROLEPLAY, MINUTES_PER_DECISION) == (1.5, 5, 3)
    for allowance in (
        "1.5 minutes per question",
        "5 minutes per role-play",
        "3 minutes per decision",
    ):
        assert allowance in doc


def test_estimate_adds_modules_questions_and_decisions():
    found = estimate([40, 45], [10, 8], [5, 4])
    assert (found.module_minutes, found.questions, found.roleplays, found.decisions) == (
        85,
        18,
        2,
        9,
    )
    assert found.minutes == 85 + 18 * 1.5 + 2 * 5 + 9 * 3
    assert found.hours == pytest.approx(found.minutes / 60)


@pytest.mark.parametrize(
    ("pool", "draw", "asked"), [(15, 10, 10), (15, None, 15), (8, 10, 8), (10, 10, 10)]
)
def test_an_attempt_asks_the_draw_or_the_whole_pool(pool, draw, asked):
    assert questions_per_attempt(pool, draw) == asked


def test_a_roleplay_counts_its_longest_run():
    graph = (
        Graph()
        .decide("start", "short_end", "middle")
        .decide("middle", "deep", "end")
        .decide("deep", "end")
        .end("short_end", "end")
    )
    assert longest_run("start", graph.nodes) == 3


def test_a_roleplay_that_starts_on_an_ending_has_no_decision():
    assert longest_run("start", Graph().end("start").nodes) == 0


def test_a_cycle_or_a_missing_node_never_loops_or_raises():
    graph = Graph().decide("a", "b", "nowhere").decide("b", "a")
    assert longest_run("a", graph.nodes) == 2


@pytest.mark.parametrize(
    ("hours", "honest"),
    [(10, True), (8, True), (12, True), (7.9, False), (12.1, False), (35, False), (1, False)],
)
def test_hours_must_be_within_20_percent_either_way(hours, honest):
    ten_hours = Estimate(module_minutes=500, questions=40, decisions=10, roleplays=2)  # 600 min
    assert ten_hours.hours == 10
    assert (hours_warning(hours, ten_hours) is None) is honest


def test_the_warning_gives_the_figures_and_the_honest_range():
    found = Estimate(module_minutes=445, questions=110, decisions=50, roleplays=10)  # 810 min
    message = hours_warning(35, found)
    assert message == (
        "warning: 'hours' is 35 but the estimated learning time is 13.5 h (445 min of modules,"
        " 110 quiz questions × 1.5 min, 10 role-plays × 5 min + 50 decisions × 3 min): state"
        " between 10.8 and 16.2, or add to the course"
    )


def test_an_empty_estimate_always_warns():
    assert hours_warning(1, Estimate(0, 0, 0)) is not None


def test_a_loaded_course_is_estimated_from_its_files(tmp_path):
    course, problems = load_course(write_course(tmp_path, "mini"))
    assert course is not None, problems
    # 5 + 7 module minutes; the quiz asks its 2 questions; the corridor run has 1 decision.
    assert estimate_course(course) == Estimate(
        module_minutes=12, questions=2, decisions=1, roleplays=1
    )


def test_the_checker_warns_about_dishonest_hours_without_failing(runner, tmp_path):
    folder = write_course(tmp_path, "mini")
    result = runner.invoke(args=["courses", "check", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{folder}/course.yaml:4: warning: 'hours' is 2 but the estimated learning time is"
        " 0.4 h (12 min of modules, 2 quiz questions × 1.5 min, 1 role-plays × 5 min"
        " + 1 decisions × 3 min): state between 0.4 and 0.4, or add to the course"
    ]
    assert "1 warnings" in result.stderr


def test_the_checker_accepts_honest_hours(runner, tmp_path):
    folder = write_course(
        tmp_path, "mini", course_yaml=COURSE_YAML.replace("hours: 2", "hours: 0.4")
    )
    result = runner.invoke(args=["courses", "check", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
