"""A French role-play's dialogue follows French typography: « … » with narrow no-break spaces
inside, a no-break space before the speaker's colon and before ? and !."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.roleplays.conftest import COURSE_YAML, SCENARIO_YAML, write_course
from tests.roleplays.test_views import start, text

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture
def courses_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    folder = write_course(root)
    (folder / "course.yaml").write_text(
        COURSE_YAML.replace("language: en", "language: fr"), encoding="utf-8"
    )
    english = 'speaker: Mr Martin\n        line: "Go away, it\'s my flat!"'
    french = 'speaker: Mme Diallo\n        line: "Enfin ! Vous voilà ?"'
    scenario = SCENARIO_YAML.replace(english, french)
    assert "Mme Diallo" in scenario
    (folder / "roleplays" / "shout.yaml").write_text(scenario, encoding="utf-8")
    return root


@pytest.mark.parametrize("language", ["en", "fr"])
def test_french_dialogue_is_set_in_french_whatever_the_interface(
    client, make_user, course, language
):
    from courses.services import enrol

    learner = make_user("learner", language=language)
    enrol(learner, course)
    client.post("/login", data={"email": learner.email, "password": "correct horse battery"})
    page = text(client.get(start(client)))
    assert f'<strong class="speaker">Mme Diallo{NBSP}:</strong>' in page
    assert f"«{NNBSP}Enfin{NNBSP}! Vous voilà{NNBSP}?{NNBSP}»" in page
    assert "Diallo:" not in page and "«Enfin" not in page
