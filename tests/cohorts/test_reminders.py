"""Reminders, notices, the weekly digest and mail preferences (issue 17), on the cohort
course. The queue is in immediate mode: a queued mail is written to the outbox folder at once."""

from __future__ import annotations

import email
import email.policy
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from cohorts.replies import save_reply
from notifications import digest, preferences, reminders
from tests.cohorts.conftest import SLUG, module_done, roleplay_run
from training.extensions import db
from training.outbox import OutboxMessage
from training.timeutil import utcnow


def mails(app, kind: str | None = None) -> list[OutboxMessage]:
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        statement = statement.where(OutboxMessage.kind == kind)
    return list(db.session.execute(statement).scalars())


def eml(app) -> list[email.message.EmailMessage]:
    folder = Path(app.config["OUTBOX_DIR"])
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    ]


def test_inactivity_reminder_names_the_next_step_once_per_silence(app, member, course):
    learner = member(language="fr")
    module_done(learner, "01-intro", when=utcnow() - timedelta(days=8))
    assert reminders.send_inactivity(utcnow() - timedelta(days=2)) == 0  # 6 days: not yet
    assert reminders.send_inactivity() == 1
    assert reminders.send_inactivity() == 0  # the same silence: one reminder
    (message,) = mails(app, preferences.INACTIVITY)
    assert message.to_address == learner.email
    # Module 01 is done: the next requirement is module 02, named and linked.
    assert "Module 02-practice" in message.text_body and "Bonjour" in message.text_body
    assert "http://localhost/courses/cohort-course/02-practice\n" in message.text_body
    assert message.headers["Content-Language"] == "fr"
    (sent,) = [m for m in eml(app) if m["List-Unsubscribe"]]
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent.get_body(("html",)) is not None
    # New activity, then a new silence: a new reminder.
    module_done(learner, "02-practice", when=utcnow() - timedelta(days=1), done=False)
    assert reminders.send_inactivity(utcnow() + timedelta(days=7)) == 1


def test_reminders_respect_the_course_setting_and_preferences(app, member, course):
    learner = member()
    module_done(learner, "01-intro", when=utcnow() - timedelta(days=8))
    preferences.set_wanted(learner.id, preferences.INACTIVITY, False)
    assert reminders.send_inactivity() == 0
    preferences.set_wanted(learner.id, preferences.INACTIVITY, True)
    object.__setattr__(course, "reminder_days", 10)
    assert reminders.send_inactivity() == 0
    assert reminders.send_inactivity(utcnow() + timedelta(days=3)) == 1


def test_deadline_reminder_when_requirements_are_left(app, member, cohort, course):
    learner = member()
    cohort.ends_on = date.today() + timedelta(days=5)
    db.session.commit()
    assert reminders.send_deadlines(date.today() - timedelta(days=10)) == 0  # too early
    assert reminders.send_deadlines() == 1
    assert reminders.send_deadlines() == 0
    (message,) = mails(app, preferences.DEADLINE)
    assert message.user_id == learner.id and "Spring group" in message.subject


def test_the_daily_task_runs_once_per_day(app, member, course):
    learner = member()
    module_done(learner, "01-intro", when=utcnow() - timedelta(days=9))
    assert reminders.daily()["inactivity"] == 1
    assert reminders.daily() == {}


def test_one_click_unsubscribe_and_undo(app, client, member, course):
    learner = member()
    url = preferences.unsubscribe_url(learner.id, preferences.INACTIVITY)
    path = url.removeprefix("http://localhost")
    # RFC 8058: the mail client POSTs, without a session or a CSRF token.
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not preferences.wants(learner.id, preferences.INACTIVITY)
    assert client.post(path + "/undo").status_code == 200
    assert preferences.wants(learner.id, preferences.INACTIVITY)
    assert client.get(path).status_code == 200  # the link in the body: one click too
    assert not preferences.wants(learner.id, preferences.INACTIVITY)
    assert client.get("/unsubscribe/forged-token").status_code == 404
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert client.get(tampered).status_code == 404


def test_account_page_saves_preferences(app, client, member, login, course):
    learner = member()
    login(learner)
    page = client.get("/account").get_data(as_text=True)
    assert 'name="kind" value="inactivity"' in page and 'value="digest"' not in page
    response = client.post("/account/notifications", data={"kind": ["certificate"]})
    assert response.status_code == 302
    assert preferences.opted_out(learner.id) == {"inactivity", "deadline", "trainer"}


def test_weekly_digest_lists_what_trainers_need(app, member, cohort, trainer, course):
    quiet = member(full_name="Quiet Learner")
    module_done(quiet, "01-intro", when=utcnow() - timedelta(days=30))
    writer = member(full_name="Reflective Learner")
    run = roleplay_run(writer, [], reflection="I should have listened first.")
    assert digest.weekly() == 1
    assert digest.weekly() == 0  # once per week
    (message,) = mails(app, preferences.DIGEST)
    assert message.user_id == trainer.id
    assert "Quiet Learner" in message.text_body
    assert "Reflective Learner" in message.text_body and "Reflections awaiting" in message.text_body
    # Replied: no longer awaiting; the learner is told.
    save_reply(run, trainer, "Good insight.", cohort.id)
    lists = digest.cohort_digest(cohort, course, utcnow())
    assert lists["awaiting_reply"] == []
    (notice,) = mails(app, preferences.TRAINER)
    assert notice.user_id == writer.id and "/debrief" in notice.text_body
    assert SLUG in notice.text_body
