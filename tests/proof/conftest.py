"""Proof fixtures: the cohort tests' course (two modules with quizzes, one role-play, blocks),
with a time limit on the second quiz, and the cohort fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.cohorts.conftest import (  # noqa: F401  (fixtures)
    SLUG,
    cohort,
    course,
    login,
    member,
    trainer,
    write_course,
)


def write_proof_course(root: Path) -> None:
    write_course(root)
    quiz_file = root / SLUG / "modules" / "02-practice.quiz.yaml"
    quiz = yaml.safe_load(quiz_file.read_text("utf-8"))
    quiz["time_limit_minutes"] = 30
    quiz_file.write_text(yaml.safe_dump(quiz), "utf-8")
    course_file = root / SLUG / "course.yaml"
    data = yaml.safe_load(course_file.read_text("utf-8"))
    data["objectives"] = ["Welcome the public", "Mediate a neighbours' dispute"]
    course_file.write_text(yaml.safe_dump(data), "utf-8")
    module = root / SLUG / "modules" / "01-intro.md"
    module.write_text(
        module.read_text("utf-8").replace("minutes: 5\n", "minutes: 5\nblocks: [EP2]\n"), "utf-8"
    )


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    content = tmp_path / "content"
    write_proof_course(content)
    # Frozen clocks jump hours ahead: keep the server session alive across them.
    return {
        "COURSES_DIR": str(content),
        "SESSION_IDLE_MINUTES": 60 * 24,
        "SESSION_ABSOLUTE_HOURS": 24 * 7,
        "ORGANISATION_NAME": "Centre Passerelle",
        "ORGANISATION_DECLARATION_NUMBER": "11 75 12345 75",
        "ORGANISATION_REPRESENTATIVE": "Claire Dubois",
    }
