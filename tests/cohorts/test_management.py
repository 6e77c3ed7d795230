"""Cohort CRUD, archive, join codes and joining by code or link."""

from __future__ import annotations

import re
from datetime import date

import pytest

from cohorts import services
from cohorts.codes import ALPHABET, LENGTH
from courses.models import Enrolment
from tests.cohorts.conftest import SLUG
from training.extensions import db
from training.models import CohortMember


def test_trainer_creates_edits_and_lists_a_cohort(client, login, trainer, make_user, course):
    co = make_user("trainer", email="co@example.test")
    login(trainer)
    assert client.get("/cohorts/new").status_code == 200
    response = client.post(
        "/cohorts/new",
        data={
            "name": "Lyon — printemps",
            "course": SLUG,
            "starts_on": "2027-03-01",
            "ends_on": "2027-06-30",
            "co_trainers": "CO@example.test",
            "description": "",
        },
    )
    assert response.status_code == 302
    cohort = services.visible_cohorts(trainer)[0]
    assert cohort.name == "Lyon — printemps"
    assert [t.id for t in cohort.trainers] == sorted([trainer.id, co.id])
    assert cohort.ends_on == date(2027, 6, 30)
    assert len(cohort.join_code) == LENGTH and set(cohort.join_code) <= set(ALPHABET)
    assert services.visible_cohorts(co) == [cohort]

    page = client.get("/cohorts/").get_data(as_text=True)
    assert "Lyon — printemps" in page
    response = client.post(
        f"/cohorts/{cohort.id}/edit",
        data={"name": "Lyon", "course": SLUG, "starts_on": "", "ends_on": "", "co_trainers": ""},
    )
    assert response.status_code == 302
    assert cohort.name == "Lyon" and cohort.ends_on is None
    assert [t.id for t in cohort.trainers] == [trainer.id]


def test_form_errors(client, login, trainer, make_user, course):
    learner = make_user("learner", email="not-a-trainer@example.test")
    login(trainer)
    page = client.post(
        "/cohorts/new",
        data={"name": "X", "course": SLUG, "co_trainers": learner.email},
    ).get_data(as_text=True)
    assert "is not a trainer account" in page
    page = client.post(
        "/cohorts/new",
        data={"name": "X", "course": SLUG, "starts_on": "2027-05-01", "ends_on": "2027-04-01"},
    ).get_data(as_text=True)
    assert "The end date comes before the start date." in page
    assert services.visible_cohorts(trainer) == []


def test_archive_and_unarchive(client, login, trainer, cohort):
    login(trainer)
    assert client.post(f"/cohorts/{cohort.id}/archive").status_code == 302
    assert cohort.archived_at is not None
    client.get("/cohorts/")  # consumes the flash message
    assert "Spring group" not in client.get("/cohorts/").get_data(as_text=True)
    assert "Spring group" in client.get("/cohorts/?archived=1").get_data(as_text=True)
    assert client.post(f"/cohorts/{cohort.id}/unarchive").status_code == 302
    assert cohort.archived_at is None


def test_join_by_code_get_does_not_enrol_post_does(client, login, cohort, make_user):
    learner = make_user("learner")
    login(learner)
    code = cohort.join_code
    page = client.get(f"/join/{code.lower()[:4]}-{code.lower()[4:]}")
    assert page.status_code == 200 and "Join this cohort" in page.get_data(as_text=True)
    assert not services.is_member(cohort, learner.id)
    response = client.post(f"/join/{code}")
    assert response.status_code == 302 and response.location.endswith(f"/courses/{SLUG}")
    assert services.is_member(cohort, learner.id)
    enrolment = db.session.query(Enrolment).filter_by(user_id=learner.id).one()
    assert enrolment.course_slug == SLUG and enrolment.cohort_id == cohort.id
    # Joining twice changes nothing.
    client.post(f"/join/{code}")
    assert db.session.query(CohortMember).filter_by(user_id=learner.id).count() == 1
    assert client.get("/join?code=" + code).status_code == 302


def test_join_unknown_archived_and_anonymous(client, login, cohort, make_user):
    assert client.get("/join/ZZZZZZZZ").status_code == 404
    page = client.get(f"/join/{cohort.join_code}").get_data(as_text=True)
    assert "Log in" in page and f"next=/join/{cohort.join_code}" in page.replace("%2F", "/")
    response = client.post(f"/join/{cohort.join_code}")
    assert response.status_code == 302 and "/login" in response.location

    services.set_archived(cohort, True)
    learner = make_user("learner")
    login(learner)
    assert "closed" in client.get(f"/join/{cohort.join_code}").get_data(as_text=True)
    client.post(f"/join/{cohort.join_code}")
    assert not services.is_member(cohort, learner.id)
    with pytest.raises(services.CohortError):
        services.join(learner, cohort)


def test_regenerate_code_kills_the_old_one(client, login, trainer, cohort):
    login(trainer)
    old = cohort.join_code
    assert client.post(f"/cohorts/{cohort.id}/code").status_code == 302
    assert cohort.join_code != old
    assert services.cohort_by_code(old) is None
    assert services.cohort_by_code(cohort.join_code) == cohort


def test_pending_join_is_offered_after_registration(client, cohort, make_user, login):
    client.get(f"/join/{cohort.join_code}")  # anonymous visitor
    learner = make_user("learner")
    login(learner)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Finish joining" in page
    assert re.search(rf'href="/join/{cohort.join_code}"', page)
