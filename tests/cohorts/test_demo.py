"""`flask demo` adds a cohort on the French edition with learners at different stages, and an
English-edition cohort, once."""

from __future__ import annotations

import pytest

from training.extensions import db
from training.models import Cohort, CohortMember


@pytest.fixture
def app_config() -> dict[str, object]:
    return {}  # the bundled course


def test_demo_cohort_is_idempotent(runner, app):
    from cohorts import dashboard
    from courses.loader import get_course

    for _ in range(2):
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    assert "join code" in result.output
    cohorts = {c.course_slug: c for c in db.session.query(Cohort)}
    assert sorted(cohorts) == ["cap-apm", "cap-apm-fr"]  # one cohort per edition
    cohort = cohorts["cap-apm-fr"]
    assert cohort.trainers[0].email == "trainer@passerelle.test"
    assert db.session.query(CohortMember).count() == 4
    english = [m.user.email for m in cohorts["cap-apm"].members]
    assert english == ["james@passerelle.test"]
    data = dashboard.build(cohort, get_course("cap-apm-fr"))
    rows = {r.user.email.split("@")[0]: r for r in data.rows}
    assert rows["amina"].progress > rows["lucas"].progress > rows["sofia"].progress == 0
    assert ("quiz", "01-the-job") in rows["lucas"].second_chances
    assert rows["sofia"].inactive and not rows["amina"].at_risk
