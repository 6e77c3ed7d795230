"""``quizzes import-gift`` through click's test runner (no app needed)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from quizzes.cli import quizzes_cli

GIFT = "::Sky::Sky is blue.{T}\n\n::Essay::Tell me.{}\n\nWhich?{=a ~b}\n"


def write(tmp_path: Path) -> Path:
    path = tmp_path / "in.gift"
    path.write_text(GIFT, encoding="utf-8")
    return path


def test_json_goes_to_stdout_and_warnings_to_stderr(tmp_path: Path) -> None:
    path = write(tmp_path)
    result = CliRunner().invoke(quizzes_cli, ["import-gift", str(path), "--json"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert [(i["type"], i["name"]) for i in items] == [("true_false", "Sky"), ("single", "")]
    assert f"{path}:3: warning: essay 'Essay'" in result.stderr


def test_yaml_written_with_output_option(tmp_path: Path) -> None:
    path, out = write(tmp_path), tmp_path / "out.quiz.yaml"
    result = CliRunner().invoke(quizzes_cli, ["import-gift", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [q["id"] for q in data["questions"]] == ["sky", "q2"]
    assert "2 questions written" in result.stderr


def test_yaml_to_stdout_by_default(tmp_path: Path) -> None:
    result = CliRunner().invoke(quizzes_cli, ["import-gift", str(write(tmp_path))])
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout)["questions"][0]["answer"] is True


def test_json_with_output_option(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(
        quizzes_cli, ["import-gift", str(write(tmp_path)), "--json", "-o", str(out)]
    )
    assert result.exit_code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 2


def test_unreadable_file_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(quizzes_cli, ["import-gift", str(tmp_path / "missing.gift")])
    assert result.exit_code == 1
    assert "cannot read" in result.stderr
    bad = tmp_path / "latin1.gift"
    bad.write_bytes("Été?{T}".encode("latin-1"))
    assert CliRunner().invoke(quizzes_cli, ["import-gift", str(bad)]).exit_code == 1


def test_malformed_questions_do_not_fail_the_import(tmp_path: Path) -> None:
    path = tmp_path / "in.gift"
    path.write_text("Broken?{=a\n\nOk?{T}\n", encoding="utf-8")
    result = CliRunner().invoke(quizzes_cli, ["import-gift", str(path), "--json"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 1
    assert f"{path}:1: " in result.stderr
