"""Erasing a learner leaves the anonymous aggregates of the trainers' pages as they were: group
insight, quiz statistics (facility, discrimination, choice counts), the dashboard's figures and
the yearly BPF summary."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from cohorts import dashboard, insight
from privacy import erasure
from quality import bpf
from quizzes.statistics import quiz_statistics
from tests.certificates.conftest import enrol, play, read_modules, take_quiz
from tests.erasure.conftest import EMAIL, FULL_NAME, complete_everything, make_cohort
from training.extensions import db
from training.models import CohortMember
from training.timeutil import utcnow

STEMS = ("01-intro", "02-next")


@pytest.fixture
def group(app, trainer, learner, course, make_user):
    """The learner and three others at different stages, in one cohort."""
    others = [make_user("learner") for _ in range(3)]
    cohort = make_cohort(trainer, [learner, *others], course.slug)
    complete_everything(learner, course)
    enrol(others[0], course)
    read_modules(others[0], course)
    take_quiz(others[0], course, "01-intro", right=1)
    take_quiz(others[0], course, "02-next", right=2)
    play(others[0], course, choice=1)
    enrol(others[1], course)
    take_quiz(others[1], course, "01-intro", right=0)
    return cohort


def _figures(cohort, course) -> dict[str, object]:  # noqa: ANN001
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id)
    board = dashboard.build(cohort, course)
    rows = board.rows
    return {
        "counts": board.counts(),
        "insight": insight.build(cohort, course),
        "stats": [quiz_statistics(course, stem, members) for stem in STEMS],
        "course_stats": [quiz_statistics(course, stem, None) for stem in STEMS],
        "dashboard": sorted(
            (
                r.progress,
                r.complete,
                r.started,
                tuple(sorted(r.quiz_grades.items())),
                tuple(sorted(r.roleplay_best.items())),
                tuple(sorted(r.cells.items())),
            )
            for r in rows
        ),  # fmt: skip
        "bpf": bpf.yearly_summary(utcnow().year),
    }


def _main(client, url: str) -> str:  # noqa: ANN001
    page = client.get(url)
    assert page.status_code == 200, url
    text = page.get_data(as_text=True)
    return re.sub(r"\s+", " ", text[text.index("<main") : text.index("</main>")])


def _pages(client, cohort) -> dict[str, str]:  # noqa: ANN001
    urls = [f"/cohorts/{cohort.id}/insight", f"/cohorts/{cohort.id}/quiz-statistics"]
    urls += [f"/cohorts/{cohort.id}/quiz-statistics/{stem}" for stem in STEMS]
    urls += [f"/cohorts/{cohort.id}/quiz-statistics/{stem}?scope=course" for stem in STEMS]
    return {url: _main(client, url) for url in urls}


@pytest.mark.parametrize("keep", [True, False], ids=["keep", "revoke"])
def test_aggregates_do_not_change(app, client, auth, trainer, learner, group, course, keep):
    before = _figures(group, course)
    auth.login(trainer.email)
    pages_before = _pages(client, group)
    assert before["stats"][0].attempts == 3  # the learner's answers count

    erasure.erase_user(learner.id, actor_id=None, reason=None, keep_certificates=keep)
    db.session.expire_all()

    after = _figures(group, course)
    for key in ("insight", "stats", "course_stats"):
        assert after[key] == before[key], key
    if keep:  # a revoked certificate no longer counts as a completion (by design)
        assert after["counts"] == before["counts"]
        assert after["dashboard"] == before["dashboard"]
        assert after["bpf"] == before["bpf"]
    else:
        assert after["counts"]["learners"] == before["counts"]["learners"]
        assert [r.learners for r in after["bpf"]] == [r.learners for r in before["bpf"]]
        assert [r.realised_hours for r in after["bpf"]] == [r.realised_hours for r in before["bpf"]]
    assert _pages(client, group) == pages_before
    board = _main(client, f"/cohorts/{group.id}")
    assert FULL_NAME not in board and EMAIL not in board
