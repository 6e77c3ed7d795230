"""Erasure fixtures: the certificate tests' mini course (two quizzes, one role-play, a
certificate once everything is done) and a learner with distinctive names to search for."""

from __future__ import annotations

import pytest

from tests.certificates.conftest import (  # noqa: F401  (fixtures)
    app_config,
    complete_everything,
    course,
    courses_dir,
)
from tests.certificates.helpers import make_cohort

EMAIL = "zephyrine.quillebeuf@example.test"
FULL_NAME = "Zéphyrine Quillebeuf-Arnaudet"
DISPLAY_NAME = "Zéphy Quillebeuf"
NEEDLES = (EMAIL, "Zéphyrine", "Quillebeuf", "Arnaudet", "Zéphy", "zephyrine")


@pytest.fixture
def learner(make_user):
    return make_user("learner", email=EMAIL, full_name=FULL_NAME, display_name=DISPLAY_NAME)


@pytest.fixture
def trainer(make_user):
    return make_user("trainer", full_name="Tristan Formateur")


@pytest.fixture
def admin(make_user):
    return make_user("admin", full_name="Adèle Admin")


@pytest.fixture
def cohort(trainer, learner, course):  # noqa: F811 - the imported fixture
    return make_cohort(trainer, [learner], course.slug)


__all__ = ["make_cohort"]
