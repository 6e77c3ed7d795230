"""A picture of every role-play (issue 20, item 4): the DOT graph, the SVG, each ending's best
and worst reachable score, the CLI and the admin course pages."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from courses.loader import load_course
from courses.scenario_picture import all_paths, ending_ranges, quote_dot, scenario_dot
from courses.scenario_scoring import best_path, score_path
from courses.scenario_svg import scenario_svg
from tests.courses.course_factory import write_course

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None and os.environ.get("CI") != "true",
    reason="Graphviz's dot is not installed (apt-get install graphviz)",
)

ROLEPLAY = """\
title: At the counter
summary: A short scene.
setting: A man raises his voice at the counter.
competencies: [listening, safety]
start: shout
nodes:
  shout:
    text: He shouts "Nobody listens here!"
    choices:
      - text: Let him say what happened
        next: listened
        feedback: Listening first lowers the tension.
        points: {listening: 2}
      - text: Grab his arm to lead him out
        next: grabbed
        feedback: Touching him can make it worse.
        points: {safety: -1}
        critical:
          reason: A mediator never uses force.
  listened:
    text: He calms down and explains.
    choices:
      - text: Sum up and offer the right service
        next: solved
        feedback: He feels heard and knows where to go.
        points: {listening: 1}
      - text: Tell him to come back another day
        next: sent_away
        feedback: He leaves without an answer.
        points: {}
  solved:
    text: He thanks you.
    ending: {outcome: resolved, debrief: Well done.}
  sent_away:
    text: He leaves.
    ending: {outcome: partial, debrief: He had no answer.}
  grabbed:
    text: He pushes you away.
    ending: {outcome: escalated, max_score: 20, debrief: Force makes it worse.}
"""


@pytest.fixture
def scenario(tmp_path: Path):  # noqa: ANN201 - a Scenario
    folder = write_course(tmp_path, **{"roleplays/corridor.yaml": ROLEPLAY})
    course, problems = load_course(folder, "mini")
    assert course is not None, problems
    return course.roleplays[0]


def test_each_ending_gets_its_best_and_worst_score(scenario) -> None:  # noqa: ANN001
    ranges = ending_ranges(scenario)
    assert set(ranges) == {"solved", "sent_away", "grabbed"}
    assert (ranges["solved"].best, ranges["solved"].worst) == (100, 100)
    assert ranges["sent_away"].best == pytest.approx(200 / 3)
    assert (ranges["grabbed"].outcome, ranges["grabbed"].best, ranges["grabbed"].worst) == (
        "escalated",
        0,
        0,
    )
    assert sum(r.paths for r in ranges.values()) == 3


@pytest.mark.parametrize("slug", ["noise-dispute", "school-gate", "family-interpreter"])
def test_ranges_agree_with_scoring_every_path_on_bundled_roleplays(slug: str) -> None:
    course, _ = load_course(Path("content/cap-apm"), "content/cap-apm")
    assert course is not None
    scenario = next(s for s in course.roleplays if s.slug == slug)
    ranges = ending_ranges(scenario)
    scores: dict[str, list[float]] = {}
    for path, end in all_paths(scenario):
        scores.setdefault(end, []).append(score_path(scenario, path).percent)
    assert {k: (max(v), min(v)) for k, v in scores.items()} == {
        k: (r.best, r.worst) for k, r in ranges.items()
    }
    best = score_path(scenario, best_path(scenario))
    assert best.outcome == "resolved" and best.percent == max(r.best for r in ranges.values())


def test_the_dot_marks_critical_choices_the_best_path_and_outcomes_in_words(scenario) -> None:  # noqa: ANN001
    dot = scenario_dot(scenario)
    grab = next(line for line in dot.splitlines() if '"shout" -> "grabbed"' in line)
    assert "CRITICAL" in grab and "dashed" in grab and "safety -1" in grab
    best_edges = [line for line in dot.splitlines() if "★ best" in line]
    assert [re.search(r'"(\w+)" -> "(\w+)"', e).groups() for e in best_edges] == [
        ("shout", "listened"),
        ("listened", "solved"),
    ]
    assert re.search(r'"solved" \[shape=box.*RESOLVED\\nsolved\\nscore 100–100 %', dot)
    assert re.search(r'"grabbed" \[shape=octagon.*ESCALATED', dot)
    assert re.search(r'"sent_away" \[shape=hexagon.*PARTIAL', dot)


def test_labels_are_quoted_for_dot() -> None:
    assert quote_dot('say "no" \\ then\nleave') == '"say \\"no\\" \\\\ then\\nleave"'


@needs_dot
def test_markup_in_a_label_stays_text_in_the_svg(tmp_path: Path) -> None:
    text = ROLEPLAY.replace(
        'He shouts "Nobody listens here!"', "'He shouts <script>alert(1)</script> & \\ leaves'"
    )
    folder = write_course(tmp_path, **{"roleplays/corridor.yaml": text})
    course, problems = load_course(folder, "mini")
    assert course is not None, problems
    svg = scenario_svg(course.roleplays[0])
    assert "<script" not in svg and "&lt;script&gt;" in svg


@needs_dot
def test_cli_writes_an_svg_for_a_file_or_a_course_slash_roleplay(app, tmp_path: Path) -> None:  # noqa: ANN001
    runner = app.test_cli_runner()
    out = tmp_path / "noise.svg"
    result = runner.invoke(args=["courses", "graph", "cap-apm/noise-dispute", "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text()
    assert svg.startswith("<svg") and "ESCALATED" in svg and "RESOLVED" in svg and "CRITICAL" in svg
    by_file = runner.invoke(
        args=["courses", "graph", "content/cap-apm/roleplays/noise-dispute.yaml"]
    )
    assert by_file.exit_code == 0 and by_file.output.startswith("<svg")
    unknown = runner.invoke(args=["courses", "graph", "cap-apm/nope"])
    assert unknown.exit_code == 2 and "no role-play 'nope'" in unknown.output


@needs_dot
def test_admin_course_page_shows_problems_and_every_graph(client, login_as) -> None:  # noqa: ANN001
    login_as("admin")
    listing = client.get("/admin/courses")
    assert listing.status_code == 200 and b"cap-apm" in listing.data
    page = client.get("/admin/courses/cap-apm")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<svg") == 10
    assert "What the checker finds" in html and "No problem and no warning." in html
    assert "Lowest score" in html
    assert client.get("/admin/courses/nope").status_code == 404


def test_a_report_is_kept_until_a_file_changes(tmp_path: Path) -> None:
    from courses.authoring import course_report

    folder = write_course(tmp_path)
    first = course_report(tmp_path, "mini", pictures=False)
    assert course_report(tmp_path, "mini", pictures=False) is first
    assert not [p for p in first.warnings if "backslash" in p.message]
    module = folder / "modules" / "01-first.md"
    module.write_text(module.read_text().replace("The end.", "In C:\\Temp.\n\nThe end."))
    stat = module.stat()
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    second = course_report(tmp_path, "mini", pictures=False)
    assert second is not first
    assert [p.path for p in second.warnings if "backslash" in p.message] == [
        "mini/modules/01-first.md"
    ]
