"""Quality indicators (with their definitions), their CSV, and the yearly BPF summary."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import update

from cohorts import services as cohorts
from courses.models import ModuleProgress
from proof.models import LearningEvent
from quality import bpf, indicators
from surveys import services as surveys
from tests.certificates.conftest import complete_everything, enrol, read_modules
from training.extensions import db
from training.models import CohortMember
from training.timeutil import utcnow


def cohort_with(trainer, name, *learners):  # noqa: ANN001, ANN201
    cohort = cohorts.create_cohort(trainer, cohorts.CohortFields(name, "mini", None, None, "", ()))
    for learner in learners:
        cohorts.join(learner, cohort)
    return cohort


def build_world(make_user, course):  # noqa: ANN001, ANN201
    """Cohort A: done, active, gone quiet 40 days ago, never started (joined 40 days ago).
    Cohort B: one learner who completed."""
    trainer = make_user("trainer")
    done, active, quiet, idle = (
        make_user(full_name=n) for n in ("Done", "Active", "Quiet", "Idle")
    )
    a = cohort_with(trainer, "Cohort A", done, active, quiet, idle)
    b_learner = make_user(full_name="B done")
    b = cohort_with(trainer, "Cohort B", b_learner)
    complete_everything(done, course)
    complete_everything(b_learner, course)
    enrol(active, course)
    read_modules(active, course, ["01-intro"])
    enrol(quiet, course)
    read_modules(quiet, course, ["01-intro"])
    long_ago = utcnow() - timedelta(days=40)
    db.session.execute(
        update(ModuleProgress)
        .where(ModuleProgress.user_id == quiet.id)
        .values(last_opened_at=long_ago, completed_at=long_ago)
    )
    db.session.execute(
        update(CohortMember).where(CohortMember.user_id == idle.id).values(joined_at=long_ago)
    )
    # "Done" read for half an hour (events every 9 minutes, then the tab hidden): measured.
    start = max(utcnow() - timedelta(hours=2), utcnow().replace(month=1, day=1, hour=0, minute=1))
    for minutes, action in ((0, "view"), (9, "view"), (18, "view"), (27, "view"), (30, "hidden")):
        db.session.add(
            LearningEvent(
                user_id=done.id,
                at=start + timedelta(minutes=minutes),
                course_slug="mini",
                activity="module",
                key="01-intro",
                action=action,
            )
        )
    db.session.commit()
    return a, b, [done, active, quiet, idle, b_learner]


def test_indicators_per_cohort_and_across(app, make_user, course):
    a, b, learners = build_world(make_user, course)
    app.config["SURVEY_MIN_RESPONSES"] = 2
    for learner, rating in ((learners[0], "5"), (learners[4], "3")):
        assert surveys.submit(learner, course, {"clear": rating, "useful": "4"})

    row_a = indicators.of_cohort(a, days=30)
    assert (row_a.enrolled, row_a.started, row_a.completed, row_a.dropped_out) == (4, 3, 1, 2)
    assert round(row_a.success_rate, 1) == 33.3  # 1 ÷ (1 + 2): "Active" is still in progress
    assert (row_a.responses, row_a.satisfaction) == (1, None)  # one answer: hidden
    assert round(row_a.mean_hours, 4) == round(0.5 / 3, 4)  # half an hour over 3 who started
    # A longer inactivity rule: "Quiet" and "Idle" are no longer dropped out.
    assert indicators.of_cohort(a, days=60).dropped_out == 0

    row_b = indicators.of_cohort(b, days=30)
    total = indicators.across([row_a, row_b], [a, b], "All cohorts")
    assert (total.enrolled, total.started, total.completed, total.dropped_out) == (5, 4, 2, 2)
    assert total.success_rate == 50.0
    assert total.mean_hours == 0.5 / 4
    assert (total.responses, total.satisfaction) == (2, 4.0)  # (5 + 4 + 3 + 4) / 4


def test_the_page_defines_each_indicator_and_exports_csv(client, auth, make_user, course):
    a, b, _learners = build_world(make_user, course)
    admin = make_user("admin")
    auth.login(admin.email)
    page = client.get("/admin/quality?inactive_days=30").get_data(as_text=True)
    assert "Cohort A" in page and "Cohort B" in page and "All cohorts" in page
    assert "show no activity for 30 days or more" in page
    assert "Completed ÷ (completed + dropped out)" in page
    assert "Not the course's declared duration" in page
    assert "no activity for 7 days" in client.get("/admin/quality?inactive_days=7").get_data(
        as_text=True
    )
    # Out of range: the configured default (30) applies.
    assert "for 30 days or more" in client.get("/admin/quality?inactive_days=9999").get_data(
        as_text=True
    )

    data = client.get("/admin/quality/indicators.csv?inactive_days=30").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0][:6] == [
        "Cohort",
        "Course",
        "Enrolled",
        "Started",
        "Completed",
        "Dropped out (no activity for 30 days)",
    ]
    assert rows[1][:8] == ["Cohort A", "mini", "4", "3", "1", "2", "33.3", "0.2"]
    assert rows[3][:8] == ["All cohorts", "", "5", "4", "2", "2", "50", "0.1"]


def test_yearly_bpf_summary(client, auth, make_user, course):
    build_world(make_user, course)
    year = utcnow().year
    (row,) = bpf.yearly_summary(year)
    # "Quiet" was last active 40 days ago: in this year unless today is early January.
    quiet_this_year = (utcnow() - timedelta(days=40)).year == year
    assert (row.course_slug, row.completed) == ("mini", 2)
    assert row.learners == (4 if quiet_this_year else 3)  # "Idle" never did anything
    assert row.declared_hours == 3.5
    assert row.realised_hours == 0.5  # "Done"'s measured half hour
    assert bpf.yearly_summary(year - 5) == []
    admin = make_user("admin")
    auth.login(admin.email)
    page = client.get(f"/admin/quality/bpf?year={year}").get_data(as_text=True)
    assert (
        "Mini mediation course" in page and "It is not the hours the learners really spent" in page
    )
    data = client.get(f"/admin/quality/bpf.csv?year={year}").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[1][:7] == [
        str(year),
        "mini",
        "Mini mediation course",
        str(row.learners),
        "2",
        "0.5",
        "3.5",
    ]


def test_the_definitions_read_in_french(client, auth, make_user, course):
    admin = make_user("admin", language="fr")
    auth.login(admin.email)
    page = client.get("/admin/quality?inactive_days=45").get_data(as_text=True)
    assert "Indicateurs qualité" in page
    assert "n’ont aucune activité depuis 45 jours ou plus" in page
    assert "à partir de 5 réponses" in page
