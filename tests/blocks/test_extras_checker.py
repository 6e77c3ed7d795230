"""The checker on placement quizzes and surveys: each mistake named with its file and line."""

from __future__ import annotations

import pytest

from courses.loader import load_course
from tests.courses.course_factory import COURSE_YAML, write_course

PLACEMENT = """\
title: Where do you start?
max_attempts: 1
questions:
  - id: p1
    type: true_false
    prompt: Is this a test?
    answer: true
"""

SURVEY = """\
title: Survey
items:
  - {id: clear, type: likert, prompt: It was clear.}
  - {id: improve, type: text, prompt: What to improve?}
"""


def load(tmp_path, extra: str, **files):  # noqa: ANN001, ANN201
    course, problems = load_course(
        write_course(tmp_path, course_yaml=COURSE_YAML + extra, **files), "mini"
    )
    return course, [str(p) for p in problems if "warning" not in p.message]


def test_a_valid_placement_and_survey_load(tmp_path):
    course, problems = load(
        tmp_path,
        "placement: placement.quiz.yaml\nsurvey: survey.yaml\n",
        **{"placement.quiz.yaml": PLACEMENT, "survey.yaml": SURVEY},
    )
    assert problems == []
    assert course.placement.title == "Where do you start?"
    assert course.quiz("placement") is course.placement
    assert [(i.id, i.type) for i in course.survey.items] == [
        ("clear", "likert"),
        ("improve", "text"),
    ]
    # The placement quiz is no module's quiz: the completion rule and the matrix never see it.
    assert "placement" not in course.completion.quizzes
    assert all(m.stem != "placement" for m, _q in course.quizzes())


@pytest.mark.parametrize(
    ("extra", "files", "expected"),
    [
        (
            "placement: nowhere.quiz.yaml\n",
            {},
            "course.yaml:22: 'placement' names nowhere.quiz.yaml, which does not exist",
        ),
        (
            "placement: ../x.quiz.yaml\n",
            {},
            "course.yaml:22: 'placement' must name a .quiz.yaml or .quiz.gift file in the "
            "course folder, not '../x.quiz.yaml'",
        ),
        (
            "placement: placement.quiz.yaml\n",
            {"placement.quiz.yaml": PLACEMENT.replace("max_attempts: 1", "max_attempts: 3")},
            "placement.quiz.yaml:1: a placement quiz is taken once: set 'max_attempts: 1'",
        ),
        (
            "survey: survey.yaml\n",
            {"survey.yaml": SURVEY.replace("type: text", "type: essay")},
            "survey.yaml:4: item type must be likert or text, not 'essay'",
        ),
        (
            "survey: survey.yaml\n",
            {"survey.yaml": SURVEY.replace("id: improve", "id: clear")},
            "survey.yaml:4: item id 'clear' is used twice (first on line 3)",
        ),
        (
            "survey: survey.yaml\n",
            {
                "survey.yaml": "title: Survey\nitems:\n"
                "  - {id: improve, type: text, prompt: What?}\n"
            },
            "survey.yaml:2: a survey needs at least one likert item",
        ),
        (
            "survey: survey.yaml\n",
            {"survey.yaml": SURVEY + "colour: blue\n"},
            "survey.yaml:5: unknown key 'colour' (allowed: title, items, intro)",
        ),
    ],
)
def test_mistakes_are_named(tmp_path, extra, files, expected):
    course, problems = load(tmp_path, extra, **files)
    assert course is None
    assert any(p.endswith(expected) for p in problems), problems
