"""The certificates' mini course with two competency blocks, a placement quiz and a survey.

B1 is served by module 01-intro (and its quiz, which names no blocks of its own, so it serves
its module's); B2 by module 02-next, its quiz (``blocks: [B2]``) and the role-play ``noise``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.certificates.conftest import MINI_COURSE, SLUG, write_course

BLOCK_COURSE = dict(MINI_COURSE)
BLOCK_COURSE["course.yaml"] = MINI_COURSE["course.yaml"].rstrip(" ") + (
    "        blocks:\n"
    "          - {id: B1, title: Welcome and information, rncp: RNCP37240}\n"
    "          - {id: B2, title: Prevention and mediation, rncp: RNCP37240}\n"
)
BLOCK_COURSE["course.yaml"] += (
    "        placement: placement.quiz.yaml\n        survey: survey.yaml\n"
)
BLOCK_COURSE["placement.quiz.yaml"] = """\
        title: Where do you start?
        max_attempts: 1
        questions:
          - id: p1
            type: true_false
            prompt: Does a mediator fine people?
            answer: false
          - id: p2
            type: true_false
            prompt: Is 112 the EU emergency number?
            answer: true
        """
BLOCK_COURSE["survey.yaml"] = """\
        title: End-of-course survey
        items:
          - {id: clear, type: likert, prompt: The modules were clear.}
          - {id: useful, type: likert, prompt: It will be useful.}
          - {id: improve, type: text, prompt: What should we improve?}
        """
BLOCK_COURSE["modules/01-intro.md"] = MINI_COURSE["modules/01-intro.md"].replace(
    "        minutes: 5\n", "        minutes: 5\n        blocks: [B1]\n", 1
)
BLOCK_COURSE["modules/02-next.md"] = MINI_COURSE["modules/02-next.md"].replace(
    "        minutes: 5\n", "        minutes: 5\n        blocks: [B2]\n", 1
)
BLOCK_COURSE["modules/02-next.quiz.yaml"] = (
    "        blocks: [B2]\n" + MINI_COURSE["modules/02-next.quiz.yaml"]
)
BLOCK_COURSE["roleplays/noise.yaml"] = MINI_COURSE["roleplays/noise.yaml"].replace(
    "        start: knock\n", "        start: knock\n        blocks: [B2]\n", 1
)


@pytest.fixture(scope="session")
def courses_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("block-courses")
    write_course(root, BLOCK_COURSE)
    return root


@pytest.fixture
def app_config(courses_dir: Path) -> dict[str, object]:
    return {"COURSES_DIR": str(courses_dir)}


@pytest.fixture
def course(app):  # noqa: ANN001, ANN201 - the Flask app; a courses.catalogue.Course
    from courses.loader import get_course

    loaded = get_course(SLUG)
    assert loaded is not None, "the block test course must load"
    return loaded
