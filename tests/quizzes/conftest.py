"""Quiz fixtures: a content folder per test and a factory for one-quiz courses."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from tests.quizzes.course_factory import quiz_data, write_course

_slugs = itertools.count(1)


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    return folder


@pytest.fixture
def app_config(content_dir: Path) -> dict[str, object]:
    return {"COURSES_DIR": str(content_dir)}


@pytest.fixture
def make_course(app, content_dir: Path):
    """make_course(max_attempts=2, …) → a loaded Course whose module "01-quiz" has the quiz.

    ``pass_mark`` is the course's; ``quiz_pass_mark`` the quiz's own.
    """
    from courses.loader import get_catalogue

    def factory(pass_mark: int = 70, quiz_pass_mark: int | None = None, **settings: object):
        if quiz_pass_mark is not None:
            settings["pass_mark"] = quiz_pass_mark
        slug = f"quiz-course-{next(_slugs)}"
        write_course(
            content_dir, {"01-quiz": quiz_data(**settings)}, slug=slug, pass_mark=pass_mark
        )
        catalogue = get_catalogue(refresh=True)
        assert slug in catalogue.courses, catalogue.problems
        return catalogue.courses[slug]

    return factory


@pytest.fixture
def enrolled(make_user):
    """enrolled(course) → a new learner enrolled in ``course``."""
    from courses.services import enrol

    def factory(course, role: str = "learner", **kwargs: object):
        user = make_user(role, **kwargs)
        enrol(user, course)
        return user

    return factory
