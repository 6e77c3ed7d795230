"""The course-level format of issue 12 and its checker: role-play pass settings, honest hours,
a certificate that is not the diploma, and ``--strict`` (blocks: tests/courses/test_blocks.py)."""

from __future__ import annotations

from pathlib import Path

from courses.loader import load_course
from tests.courses.course_factory import (
    COURSE_YAML,
    write_course,
)

ROOT = Path(__file__).resolve().parents[2]


def loaded(tmp_path: Path, **replace: str | None):
    course, problems = load_course(write_course(tmp_path, **replace), "mini")
    return course, [str(p) for p in problems]


def test_completion_pass_settings_default_and_read(tmp_path):
    course, problems = loaded(tmp_path)
    assert problems == []
    assert course.completion.roleplay_outcomes == ("resolved", "partial")
    assert course.completion.roleplay_max_runs is None
    course, problems = loaded(
        tmp_path / "b",
        course_yaml=COURSE_YAML.replace(
            "  roleplays: none\n",
            "  roleplays: none\n  roleplay_outcomes: [resolved]\n  roleplay_max_runs: 3\n",
        ),
    )
    assert problems == []
    assert course.completion.roleplay_outcomes == ("resolved",)
    assert course.completion.roleplay_max_runs == 3


def test_completion_pass_settings_mistakes(tmp_path):
    course, problems = loaded(
        tmp_path,
        course_yaml=COURSE_YAML.replace(
            "  roleplays: none\n",
            "  roleplays: none\n  roleplay_outcomes: [resolved, won]\n  roleplay_max_runs: 0\n",
        ),
    )
    assert course is None
    assert problems == [
        "mini/course.yaml:18: item 2 of 'roleplay_outcomes' in 'completion' must be one of "
        "resolved, partial, escalated, not 'won'",
        "mini/course.yaml:19: 'roleplay_max_runs' in 'completion' must be a whole number of 1 "
        "or more, not 0",
    ]


def test_hours_must_match_the_content_within_20_percent(tmp_path):
    course, problems = loaded(
        tmp_path, course_yaml=COURSE_YAML.replace("hours: 2\n", "hours: 35\n")
    )
    assert course is not None  # a warning
    assert problems == [
        "mini/course.yaml:4: warning: 'hours' is 35 but the content is estimated at 1.8 h "
        "(modules 95 min, quizzes 3 min, roleplays 8 min): keep 'hours' within 20 % of the "
        "estimate, or say why in the course"
    ]


def test_a_qualification_course_says_its_certificate_is_a_preparation(tmp_path):
    cap = COURSE_YAML.replace("title: Mini course", "title: Mini course (CAP)")
    course, problems = loaded(
        tmp_path,
        course_yaml=cap.replace(
            "title: Certificate of completion of a preparation course",
            "title: Certificate of completion",
        ),
    )
    assert problems == [
        "mini/course.yaml:19: warning: the certificate title 'Certificate of completion' does "
        "not say this is a preparation course: it must not read as the diploma itself (e.g. "
        '"CAP preparation course — Prevention and mediation agent")'
    ]
    _course, problems = loaded(tmp_path / "b", course_yaml=cap)
    assert problems == []


def test_strict_makes_the_bundled_course_warnings_errors(runner):
    relaxed = runner.invoke(args=["courses", "check", str(ROOT / "content")])
    assert relaxed.exit_code == 0
    warnings = relaxed.stdout.splitlines()
    strict = runner.invoke(args=["courses", "check", "--strict", str(ROOT / "content")])
    if not warnings:  # the content was rewritten to the rules: nothing to turn into errors
        assert strict.exit_code == 0
        return
    assert strict.exit_code == 1
    assert strict.stdout.splitlines() == [
        w.replace(": warning: ", ": error: ", 1) for w in warnings
    ]
    assert "errors under --strict" in strict.stderr


def test_strict_on_a_clean_course_passes(runner, tmp_path):
    folder = write_course(tmp_path)
    result = runner.invoke(args=["courses", "check", "--strict", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
