"""Consent before access: a trainer who names an existing account gets an invitation, not the
learner. Until they accept the trainer sees nothing of them; leaving or removal ends access and
keeps the learner's work. Every step is in the audit log."""

from __future__ import annotations

import io
import zipfile

import pytest

from certificates import services as certificates
from cohorts import membership, services
from courses.models import Enrolment, ModuleProgress
from tests.cohorts.conftest import SLUG, module_done, quiz_attempt
from tests.conftest import AuthActions, outbox_links
from training import audit
from training.extensions import db


@pytest.fixture
def victim(cohort, make_user, course):
    """A learner of ``cohort`` (joined by code) with work and a certificate."""
    user = make_user("learner", email="victim@example.test", full_name="Vic Tim")
    services.join(user, cohort)
    module_done(user, "01-intro")
    quiz_attempt(user, "01-intro", {"q1": True})
    certificates.issue(user, course)
    return user


@pytest.fixture
def intruder(make_user, course):
    """Another trainer, with a cohort of the same course."""
    trainer = make_user("trainer", email="intruder@example.test")
    cohort = services.create_cohort(
        trainer, services.CohortFields("Intruder group", SLUG, None, None, "", ())
    )
    return trainer, cohort


def as_user(app, user):
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code == 302
    return client


def import_csv(client, cohort, text):
    return client.post(
        f"/cohorts/{cohort.id}/import",
        data={"file": (io.BytesIO(text.encode()), "r.csv")},
        content_type="multipart/form-data",
    )


def trainer_sees_nothing(client, cohort, learner, certificate_code):
    assert "victim@example.test" not in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert client.get(f"/cohorts/{cohort.id}/learners/{learner.id}").status_code == 404
    gradebook = client.get(f"/cohorts/{cohort.id}/gradebook.csv").get_data(as_text=True)
    assert "victim@example.test" not in gradebook
    insight = client.get(f"/cohorts/{cohort.id}/insight").get_data(as_text=True)
    assert "Vic Tim" not in insight
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/cohorts/{cohort.id}/certificates.zip").data))
    assert archive.namelist() == []
    assert client.get(f"/certificates/{certificate_code}.pdf").status_code == 404
    assert (
        client.post(f"/certificates/{certificate_code}/revoke", data={"reason": "mine"}).status_code
        == 404
    )


def test_importing_an_existing_learner_gives_the_trainer_nothing(app, victim, intruder, cohort):
    trainer, their_cohort = intruder
    code = certificates.find_current(victim.id, SLUG).code
    client = as_user(app, trainer)
    response = import_csv(client, their_cohort, "victim@example.test,Anything\n")
    assert response.status_code == 302
    summary = client.get(response.location).get_data(as_text=True)
    assert "1 invitation sent by email" in summary
    trainer_sees_nothing(client, their_cohort, victim, code)
    # The learner's enrolment and other cohorts are untouched.
    enrolment = db.session.query(Enrolment).filter_by(user_id=victim.id).one()
    assert enrolment.cohort_id == cohort.id
    assert [c.id for c in membership.memberships_of(victim)] == [cohort.id]
    # The certificate is still valid (nobody could revoke it).
    assert certificates.find_current(victim.id, SLUG) is not None
    # The learner is told, by mail and on the dashboard.
    assert any(link.endswith("/invitations") for link in outbox_links(app))
    learner = as_user(app, victim)
    page = learner.get("/dashboard").get_data(as_text=True)
    assert "Join the group “Intruder group”?" in page


def test_inviting_one_address_is_an_invitation_too(app, victim, intruder):
    trainer, their_cohort = intruder
    client = as_user(app, trainer)
    response = client.post(
        f"/cohorts/{their_cohort.id}/invite",
        data={"email": "victim@example.test", "name": "Whatever"},
    )
    assert response.status_code == 302
    assert not services.is_member(their_cohort, victim.id)
    assert b"1</strong> invitation waiting" in client.get(f"/cohorts/{their_cohort.id}").data


def test_accepting_gives_access_and_moves_the_enrolment(app, victim, intruder):
    trainer, their_cohort = intruder
    import_csv(as_user(app, trainer), their_cohort, "victim@example.test,X\n")
    invitation = membership.pending_for(victim)[0]
    learner = as_user(app, victim)
    # Nobody else can answer it.
    other = as_user(app, trainer)
    assert other.post(f"/invitations/{invitation.id}/accept").status_code == 404
    assert learner.post(f"/invitations/{invitation.id}/accept").status_code == 302
    assert services.is_member(their_cohort, victim.id)
    assert db.session.query(Enrolment).filter_by(user_id=victim.id).one().cohort_id == (
        their_cohort.id
    )
    client = as_user(app, trainer)
    assert client.get(f"/cohorts/{their_cohort.id}/learners/{victim.id}").status_code == 200
    # Answered once: the invitation cannot be used again.
    assert learner.post(f"/invitations/{invitation.id}/accept").status_code == 404


def test_declining_changes_nothing(app, victim, intruder):
    trainer, their_cohort = intruder
    import_csv(as_user(app, trainer), their_cohort, "victim@example.test,X\n")
    invitation = membership.pending_for(victim)[0]
    learner = as_user(app, victim)
    assert learner.post(f"/invitations/{invitation.id}/decline").status_code == 302
    assert membership.pending_for(victim) == []
    assert not services.is_member(their_cohort, victim.id)


def test_joining_by_code_stays_one_step(app, intruder, make_user):
    _trainer, their_cohort = intruder
    learner = make_user("learner")
    client = as_user(app, learner)
    assert client.post(f"/join/{their_cohort.join_code}").status_code == 302
    assert services.is_member(their_cohort, learner.id)


def test_leaving_ends_access_and_keeps_the_work(app, victim, cohort, trainer):
    learner = as_user(app, victim)
    assert learner.post(f"/groups/{cohort.id}/leave").status_code == 302
    client = as_user(app, trainer)
    trainer_sees_nothing(client, cohort, victim, certificates.find_current(victim.id, SLUG).code)
    assert db.session.query(ModuleProgress).filter_by(user_id=victim.id).count() == 1
    enrolment = db.session.query(Enrolment).filter_by(user_id=victim.id).one()
    assert enrolment.cohort_id is None  # still enrolled, in no cohort
    assert learner.post(f"/groups/{cohort.id}/leave").status_code == 404


def test_a_trainer_removes_a_learner_with_a_reason(app, victim, cohort, trainer, intruder):
    client = as_user(app, trainer)
    path = f"/cohorts/{cohort.id}/learners/{victim.id}/remove"
    refused = client.post(path, data={"reason": "  "}, follow_redirects=True)
    assert b"Give a reason" in refused.data
    assert services.is_member(cohort, victim.id)
    # Another trainer cannot remove someone from a cohort they do not train.
    assert as_user(app, intruder[0]).post(path, data={"reason": "x"}).status_code == 404
    assert client.post(path, data={"reason": "Left the training centre"}).status_code == 302
    assert not services.is_member(cohort, victim.id)
    assert client.get(f"/cohorts/{cohort.id}/learners/{victim.id}").status_code == 404
    event = audit.events(action="cohort.remove")[0]
    assert event.reason == "Left the training centre"
    assert event.subject_user_id == victim.id and event.cohort_id == cohort.id
    assert event.actor_id == trainer.id


def test_every_step_is_in_the_audit_log(app, victim, intruder, cohort):
    trainer, their_cohort = intruder
    import_csv(as_user(app, trainer), their_cohort, "victim@example.test,X\n")
    learner = as_user(app, victim)
    learner.post(f"/invitations/{membership.pending_for(victim)[0].id}/decline")
    import_csv(as_user(app, trainer), their_cohort, "victim@example.test,X\n")  # asked again
    learner.post(f"/invitations/{membership.pending_for(victim)[0].id}/accept")
    learner.post(f"/groups/{their_cohort.id}/leave")
    actions = [e.action for e in audit.events(action_prefix="cohort.", subject_user_id=victim.id)]
    assert actions == [
        "cohort.invite", "cohort.decline", "cohort.invite", "cohort.accept", "cohort.leave"
    ]  # fmt: skip


def test_pending_invitations_are_excluded_from_the_dashboard_data(app, victim, intruder, course):
    from cohorts import dashboard

    trainer, their_cohort = intruder
    import_csv(as_user(app, trainer), their_cohort, "victim@example.test,X\n")
    data = dashboard.build(their_cohort, course)
    assert data.rows == [] and data.counts()["learners"] == 0
