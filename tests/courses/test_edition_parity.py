"""The parity checker of editions (courses.edition_parity): one broken pair per kind of
difference, each reported on the edition's file and line, naming the reference's file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from courses.cli import check_path
from courses.loader import load_course
from tests.courses.course_factory import (
    COURSE_YAML,
    FIRST_MD,
    QUIZ_YAML,
    ROLEPLAY_YAML,
    write_course,
)

FR_COURSE_YAML = COURSE_YAML.replace("language: en", "language: fr\nedition_of: mini")


def pair(tmp_path: Path, **french: str | None) -> tuple[Path, Path]:
    """The mini course and its French edition (the same structure unless ``french`` changes
    a file: ``course_yaml`` or a relative path, as in ``write_course``)."""
    english = write_course(tmp_path, "mini")
    files = {"course_yaml": FR_COURSE_YAML, **french}
    return english, write_course(tmp_path, "mini-fr", **files)


def parity_problems(tmp_path: Path) -> list[str]:
    problems, _ = check_path(tmp_path, "courses")
    return [str(p) for p in problems if "edition differs from" in p.message]


def only(found: list[str]) -> str:
    assert len(found) == 1, found
    return found[0]


def line_of(path: Path, text: str) -> int:
    """The (first) line of ``path`` that contains ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_parallel_editions_have_no_difference(tmp_path):
    pair(tmp_path)
    problems, summary = check_path(tmp_path, "courses", strict=True)
    assert problems == []
    assert "courses/mini-fr: edition of courses/mini, parallel" in summary


def test_a_course_without_edition_of_is_not_compared(tmp_path):
    write_course(tmp_path, "mini")
    write_course(tmp_path, "other", course_yaml=COURSE_YAML.replace("language: en", "language: fr"))
    assert parity_problems(tmp_path) == []


def test_a_missing_module_names_both_course_files(tmp_path):
    english, french = pair(
        tmp_path,
        course_yaml=FR_COURSE_YAML.replace("  - 02-second\n", ""),
        **{
            "modules/02-second.md": None,
            "modules/01-first.md": FIRST_MD.replace("02-second.md", ""),
        },
    )
    found = only(parity_problems(tmp_path))
    assert found == (
        f"courses/mini-fr/course.yaml:{line_of(french / 'course.yaml', 'modules:')}: edition "
        f"differs from courses/mini/course.yaml:{line_of(english / 'course.yaml', 'modules:')}: "
        "module '02-second' is missing here"
    )


def test_modules_in_another_order(tmp_path):
    french_yaml = FR_COURSE_YAML.replace(
        "  - 01-first\n  - 02-second\n", "  - 02-second\n  - 01-first\n"
    )
    pair(tmp_path, course_yaml=french_yaml)
    assert "the modules are in another order" in only(parity_problems(tmp_path))


def test_a_quiz_missing_in_one_edition(tmp_path):
    pair(tmp_path, **{"modules/01-first.quiz.yaml": None})
    found = only(parity_problems(tmp_path))
    assert found.startswith(
        "courses/mini-fr/modules/01-first.md:1: "
        "edition differs from courses/mini/modules/01-first.md:1:"
    )
    assert "module '01-first' has no quiz here" in found


def test_a_question_id_renamed(tmp_path):
    english, french = pair(
        tmp_path, **{"modules/01-first.quiz.yaml": QUIZ_YAML.replace("id: q2", "id: q2b")}
    )
    found = parity_problems(tmp_path)
    quiz_fr = french / "modules/01-first.quiz.yaml"
    quiz_en = english / "modules/01-first.quiz.yaml"
    assert (
        f"courses/mini-fr/modules/01-first.quiz.yaml:{line_of(quiz_fr, 'questions:')}: "
        "edition differs from "
        f"courses/mini/modules/01-first.quiz.yaml:{line_of(quiz_en, 'id: q2')}: "
        "question 'q2' is missing here"
    ) in found
    assert any("question 'q2b' is not in the other edition" in p for p in found)


def test_a_question_type_changed(tmp_path):
    changed = QUIZ_YAML.replace("type: single", "type: multiple")
    english, french = pair(tmp_path, **{"modules/01-first.quiz.yaml": changed})
    found = only(parity_problems(tmp_path))
    line = line_of(french / "modules/01-first.quiz.yaml", "id: q2")
    assert found.startswith(f"courses/mini-fr/modules/01-first.quiz.yaml:{line}: ")
    assert f"courses/mini/modules/01-first.quiz.yaml:{line}: " in found
    assert "question 'q2' is 'multiple' here, 'single' there" in found


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("answer: true", "answer: false", "question 'q1': 'answer' is False here, True there"),
        (
            "Right\n        correct: true\n      - text: Wrong\n        correct: false",
            "Right\n        correct: false\n      - text: Wrong\n        correct: true",
            "question 'q2': the correct choices are [2] here, [1] there",
        ),
        (
            "      - text: Wrong\n        correct: false\n",
            "      - text: Wrong\n        correct: false\n"
            "      - text: Also wrong\n        correct: false\n",
            "question 'q2' has 3 choices here, 2 there",
        ),
        (
            "    answer: true\n",
            "    answer: true\n    points: 2\n",
            "question 'q1' is worth 2 points here, 1 there",
        ),
        ("pass_mark: 50", "pass_mark: 60", "quiz setting 'pass_mark' is 60 here, 50 there"),
    ],
)
def test_a_quiz_key_changed(tmp_path, old, new, message):
    assert old in QUIZ_YAML
    pair(tmp_path, **{"modules/01-first.quiz.yaml": QUIZ_YAML.replace(old, new)})
    assert message in only(parity_problems(tmp_path))


NUMERIC = """\
  - id: q3
    type: numeric
    prompt: How many?
    answer: 3
    tolerance: 0
"""


def test_a_numeric_key_changed_but_short_answer_text_may_differ(tmp_path):
    short = "  - id: q4\n    type: short_answer\n    prompt: Say it.\n    answers: [ok]\n"
    english_quiz = QUIZ_YAML.replace("show_answers", NUMERIC + short + "show_answers")
    write_course(tmp_path, "mini", **{"modules/01-first.quiz.yaml": english_quiz})
    french_quiz = english_quiz.replace("answer: 3", "answer: 4").replace("[ok]", "[oui, « oui »]")
    write_course(
        tmp_path,
        "mini-fr",
        course_yaml=FR_COURSE_YAML,
        **{"modules/01-first.quiz.yaml": french_quiz},
    )
    assert "question 'q3': 'answer' is 4 here, 3 there" in only(parity_problems(tmp_path))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "points: {listening: 1}",
            "points: {listening: 2}",
            "choice 1 of node 'meet' gives {listening: 2} here, {listening: 1} there",
        ),
        (
            "        feedback: No.\n",
            "        feedback: No.\n        critical:\n          reason: Never shout.\n",
            "choice 2 of node 'meet' is critical here, unlike there",
        ),
        (
            "outcome: escalated",
            "outcome: partial",
            "node 'worse' ends 'partial' here, 'escalated' there",
        ),
        (
            "      outcome: escalated\n",
            "      outcome: escalated\n      max_score: 40\n",
            "node 'worse': 'max_score' is 40 here, None there",
        ),
        (
            "competencies: [listening]",
            "competencies: [listening, safety]",
            "the competencies are [listening, safety] here, [listening] there",
        ),
    ],
)
def test_a_roleplay_difference(tmp_path, old, new, message):
    assert old in ROLEPLAY_YAML
    english, french = pair(tmp_path, **{"roleplays/corridor.yaml": ROLEPLAY_YAML.replace(old, new)})
    problems = parity_problems(tmp_path)
    found = next((p for p in problems if message in p), problems)
    assert message in found
    here = re.match(r"courses/mini-fr/roleplays/corridor\.yaml:(\d+): ", found)
    there = re.search(r"from courses/mini/roleplays/corridor\.yaml:(\d+): ", found)
    assert here and there, found
    if "node" in message:  # both lines point at the node or choice in question
        assert int(here.group(1)) > 5 and int(there.group(1)) > 5


def test_choices_leading_elsewhere(tmp_path):
    swapped = ROLEPLAY_YAML.replace("next: calm", "next: WORSE").replace(
        "next: worse", "next: calm"
    )
    english, french = pair(
        tmp_path, **{"roleplays/corridor.yaml": swapped.replace("WORSE", "worse")}
    )
    found = parity_problems(tmp_path)
    line_fr = line_of(french / "roleplays/corridor.yaml", "next: worse")
    line_en = line_of(english / "roleplays/corridor.yaml", "next: calm")
    assert (
        f"courses/mini-fr/roleplays/corridor.yaml:{line_fr - 1}: edition differs from "
        f"courses/mini/roleplays/corridor.yaml:{line_en - 1}: "
        "choice 1 of node 'meet' leads to 'worse' here, 'calm' there"
    ) in found
    assert any("choice 2 of node 'meet' leads to 'calm' here, 'worse' there" in p for p in found)


def test_a_node_renamed(tmp_path):
    renamed = ROLEPLAY_YAML.replace("next: calm", "next: calmer").replace("  calm:", "  calmer:")
    pair(tmp_path, **{"roleplays/corridor.yaml": renamed})
    found = parity_problems(tmp_path)
    assert any("node 'calm' is missing here" in p for p in found)
    assert any("node 'calmer' is not in the other edition" in p for p in found)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  pass_mark: 70", "  pass_mark: 80", "completion rule 'pass_mark' is 80 here, 70 there"),
        (
            "  roleplays: none",
            "  roleplays: all",
            "completion rule 'roleplays' is [corridor] here, [] there",
        ),
        ("hours: 2", "hours: 3", "'hours' is 3 here, 2 there"),
        ("language: fr", "language: en", "both editions are in 'en'"),
    ],
)
def test_a_course_rule_difference(tmp_path, old, new, message):
    english, french = pair(tmp_path, course_yaml=FR_COURSE_YAML.replace(old, new))
    found = only(parity_problems(tmp_path))
    assert message in found
    key = old.split(":")[0]
    assert found.startswith(
        f"courses/mini-fr/course.yaml:{line_of(french / 'course.yaml', key + ':')}: "
    )
    assert f"from courses/mini/course.yaml:{line_of(english / 'course.yaml', key + ':')}: " in found


def test_edition_of_naming_no_course(tmp_path):
    write_course(
        tmp_path,
        "mini-fr",
        course_yaml=FR_COURSE_YAML.replace("edition_of: mini", "edition_of: maxi"),
    )
    problems, _ = check_path(tmp_path, "courses")
    assert [str(p) for p in problems] == [
        "courses/mini-fr/course.yaml:4: 'edition_of' names 'maxi', but no course folder of that "
        "name loads beside this one"
    ]


def test_edition_of_must_be_a_slug(tmp_path):
    folder = write_course(
        tmp_path,
        "mini-fr",
        course_yaml=FR_COURSE_YAML.replace("edition_of: mini", "edition_of: [mini]"),
    )
    course, problems = load_course(folder, "mini-fr")
    assert course is None
    assert any("'edition_of' must be the folder name (slug)" in p.message for p in problems)


def test_a_folder_checked_alone_is_compared_with_its_reference_beside_it(tmp_path, runner):
    pair(
        tmp_path,
        **{"modules/01-first.quiz.yaml": QUIZ_YAML.replace("answer: true", "answer: false")},
    )
    result = runner.invoke(args=["courses", "check", str(tmp_path / "mini-fr")])
    assert result.exit_code == 1
    assert "question 'q1': 'answer' is False here, True there" in result.output
    assert f"edition differs from {tmp_path}/mini/modules/01-first.quiz.yaml:" in result.output


def test_the_bundled_editions_pass_the_check(runner):
    from tests.conftest import ROOT

    result = runner.invoke(args=["courses", "check", "--strict", str(ROOT / "content")])
    assert result.exit_code == 0, result.output
    assert "content/cap-apm-fr: edition of " in result.output and ", parallel" in result.output
