"""The quiz commands as the app runs them: `flask quizzes import-gift`, and `flask courses check`
reporting a malformed quiz file with its line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.quizzes.course_factory import quiz_data, write_course
from tests.support.shared import GIFT_FIXTURES

FIXTURES = GIFT_FIXTURES


def test_import_gift_through_the_app(runner, tmp_path: Path) -> None:
    source = tmp_path / "in.gift"
    source.write_text("::Sky::The sky is blue.{T}\n\n::Sum::1 + 1 = ?{#2:0}\n", encoding="utf-8")
    out = tmp_path / "out.quiz.yaml"
    result = runner.invoke(args=["quizzes", "import-gift", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [q["type"] for q in data["questions"]] == ["true_false", "numeric"]
    listed = runner.invoke(args=["quizzes", "import-gift", str(source), "--json"])
    assert [q["name"] for q in json.loads(listed.stdout)] == ["Sky", "Sum"]


@pytest.mark.skipif(
    not FIXTURES.is_dir() and os.environ.get("CI") != "true", reason="shared fixtures absent"
)
@pytest.mark.parametrize(
    ("name", "count", "essays"),
    [("moodle-examples.gift.txt", 43, 0), ("moodle-questions.gift.txt", 8, 1)],
)
def test_import_the_real_moodle_files_through_the_app(runner, name, count, essays) -> None:
    result = runner.invoke(args=["quizzes", "import-gift", str(FIXTURES / name), "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == count
    assert result.stderr.count("warning: essay") == essays


def test_courses_check_reports_a_malformed_quiz_with_its_line(runner, content_dir: Path) -> None:
    folder = write_course(content_dir, {"01-quiz": quiz_data(max_attempts=2)}, slug="broken")
    quiz_file = folder / "modules" / "01-quiz.quiz.yaml"
    lines = quiz_file.read_text(encoding="utf-8").splitlines()
    bad = next(i for i, line in enumerate(lines) if line.strip() == "type: true_false")
    lines[bad] = lines[bad].replace("true_false", "yes_or_no")
    quiz_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 1
    assert f"01-quiz.quiz.yaml:{bad + 1}:" in result.output
    assert "yes_or_no" in result.output
