"""Trainer replies, trainers' landing page, the join-code entry, the audit log page and the
certificate history, and quiz statistics pages (issue 17)."""

from __future__ import annotations

from tests.cohorts.conftest import quiz_attempt, roleplay_run
from tests.cohorts.test_dashboard import BEST  # the bundled noise-dispute's best path
from training import audit
from training.extensions import db
from training.outbox import OutboxMessage


def test_trainer_replies_and_the_learner_reads_it(app, client, member, cohort, trainer, login):
    learner = member(full_name="Reflective Learner")
    run = roleplay_run(learner, BEST, reflection="I should have listened first.")
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}/learners/{learner.id}").get_data(as_text=True)
    assert "Awaiting your reply" in page
    url = f"/cohorts/{cohort.id}/learners/{learner.id}/runs/{run.id}/reply"
    assert client.post(url, data={f"r{run.id}-body": ""}).status_code == 302  # refused, kept
    response = client.post(url, data={f"r{run.id}-body": "Good insight: say it first."})
    assert response.status_code == 302
    page = client.get(f"/cohorts/{cohort.id}/learners/{learner.id}").get_data(as_text=True)
    assert "Good insight: say it first." in page and "Awaiting your reply" not in page
    assert [e.action for e in audit.events(subject_user_id=learner.id)][-1] == "reflection.reply"
    mail = db.session.query(OutboxMessage).filter_by(user_id=learner.id, kind="trainer").one()
    assert "/debrief" in mail.text_body
    client.post("/logout")
    login(learner)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Good insight: say it first." in dashboard
    debrief = client.get(
        f"/courses/cohort-course/roleplays/noise-dispute/runs/{run.id}/debrief"
    ).get_data(as_text=True)
    assert "Your trainer's reply" in debrief and "Good insight: say it first." in debrief


def test_another_trainer_cannot_reply(app, client, member, cohort, make_user, login):
    learner = member()
    run = roleplay_run(learner, [], reflection="Thoughts.")
    login(make_user("trainer"))
    url = f"/cohorts/{cohort.id}/learners/{learner.id}/runs/{run.id}/reply"
    assert client.post(url, data={f"r{run.id}-body": "Hi"}).status_code == 404


def test_trainers_land_on_their_cohorts_and_learners_see_the_join_code(
    app, client, trainer, make_user
):
    from tests.conftest import AuthActions

    response = AuthActions(client).login(trainer.email)
    assert response.headers["Location"].endswith("/cohorts/")
    AuthActions(client).logout()
    learner = make_user()
    response = AuthActions(client).login(learner.email)
    assert not response.headers["Location"].endswith("/cohorts/")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Join a group with a code" in page and 'href="/join"' in page


def test_audit_page_filters_and_role_changes_are_recorded(app, client, make_user, login_as):
    from training import accounts

    admin = login_as("admin")
    someone = make_user(email="someone@example.test")
    accounts.set_role(someone, "trainer", actor=admin)
    page = client.get("/admin/audit?action=user.role").get_data(as_text=True)
    assert "user.role" in page and "someone@example.test" in page
    page = client.get("/admin/audit?learner=nobody@example.test").get_data(as_text=True)
    assert "No account has the address nobody@example.test" in page
    page = client.get("/admin/audit?since=not-a-date&page=x").get_data(as_text=True)
    assert "user.role" in page  # bad filter values are ignored, never a 500


def test_quiz_statistics_pages(app, client, member, cohort, trainer, login):
    for n in range(3):
        learner = member()
        quiz_attempt(learner, "01-intro", {"capital": 0, "round": n % 2 == 0})
    login(trainer)
    index = client.get(f"/cohorts/{cohort.id}/quiz-statistics").get_data(as_text=True)
    assert "sample too small" in index
    page = client.get(f"/cohorts/{cohort.id}/quiz-statistics/01-intro")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Facility index" in text and "Paris" in text
    assert "Sample too small to trust" in text
    assert (
        client.get(f"/cohorts/{cohort.id}/quiz-statistics/01-intro?scope=course").status_code == 200
    )
    assert client.get(f"/cohorts/{cohort.id}/quiz-statistics/nope").status_code == 404
