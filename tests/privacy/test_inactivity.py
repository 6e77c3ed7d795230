"""Inactive learner accounts: who is inactive, the warning mail (through a real local SMTP
server), and the daily task that applies the retention periods once per day."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from huey.api import PeriodicTask

from privacy import inactivity, retention, retention_tasks
from privacy.retention_models import InactivityWarning
from proof.models import LearningEvent
from tests.certificates.conftest import SLUG, courses_dir  # noqa: F401
from tests.training.test_mail_queue import FlakyHandler, _free_port, _parse, serve
from training import dates, queue
from training.extensions import db
from training.session_models import UserSession
from training.timeutil import utcnow

DAY = timedelta(days=1)


@pytest.fixture
def smtp_port() -> int:
    return _free_port()


@pytest.fixture
def app_config(smtp_port: int, courses_dir) -> dict[str, object]:  # noqa: ANN001, F811
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_STARTTLS": False,
            "COURSES_DIR": str(courses_dir)}  # fmt: skip


@pytest.fixture
def smtp(smtp_port: int):
    handler = FlakyHandler()
    controller = serve(handler, smtp_port)
    yield handler
    controller.stop()


def _idle(make_user, days: int, role: str = "learner", **kwargs):  # noqa: ANN001, ANN003
    """An account created and last logged in ``days`` ago."""
    user = make_user(role, **kwargs)
    user.created_at = user.last_login_at = utcnow() - days * DAY
    db.session.commit()
    return user


def _warned_ids(now) -> set[int]:  # noqa: ANN001
    return {a.user_id for a in inactivity.to_warn(now)}


def test_last_activity_is_the_latest_login_learning_request_or_session(app, make_user, runner):
    now = utcnow()
    quiet = _idle(make_user, 1070)  # past 1095 - 30 days: warned
    recent = _idle(make_user, 1000)
    learning = _idle(make_user, 1070)
    db.session.add(LearningEvent(user_id=learning.id, at=now - 10 * DAY, course_slug="c",
                                 activity="module", key="01", action="view"))  # fmt: skip
    signed_in = _idle(make_user, 1070)
    db.session.add(UserSession(user_id=signed_in.id, token_hash="9" * 64, created_at=now - 5 * DAY,
                               last_seen_at=now - 5 * DAY, expires_at=now - 4 * DAY))  # fmt: skip
    trainer = _idle(make_user, 1500, role="trainer")
    admin = _idle(make_user, 1500, role="admin")
    db.session.commit()
    assert _warned_ids(now) == {quiet.id}
    assert not {recent.id, learning.id, signed_in.id} & {
        a.user_id for a in inactivity.to_erase(now)
    }
    # Staff accounts are reported for review, never warned nor erased by the timer.
    assert {a.user_id for a in retention.staff_to_review(now)} == {trainer.id, admin.id}
    assert not {trainer.id, admin.id} & {a.user_id for a in inactivity.to_erase(now)}
    out = runner.invoke(args=["data", "retention", "--dry-run"]).output
    assert "inactive-warning (DATA_RETENTION_INACTIVE_WARNING_DAYS=30 days): 1 inactive" in out
    assert f"user {quiet.id} <{quiet.email}> (learner), last active" in out
    assert "Not erased automatically: 2 trainer or admin accounts" in out
    assert f"<{trainer.email}> (trainer)" in out and f"<{admin.email}> (admin)" in out


def test_the_warning_mail_goes_once_in_the_learners_language(app, make_user, smtp):
    now = utcnow()
    learner = _idle(make_user, 1080, email="lea@example.test", display_name="Léa", language="fr")
    done = {p.policy.name: n for p, n in retention.apply(now)}
    assert done["inactive-warning"] == 1
    warning = db.session.get(InactivityWarning, learner.id)
    assert warning.warned_at == now
    assert warning.last_activity_at == learner.last_login_at
    assert len(smtp.received) == 1
    recipients, raw = smtp.received[0]
    assert recipients == ["lea@example.test"]
    message = _parse(raw)
    assert message["Subject"].startswith("Votre compte sera supprimé le ")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Bonjour Léa" in text
    assert "http://localhost/login" in text
    # The erasure date: the full period after the last activity but at least the warning period
    # after the mail (here the latter: the account was 1080 days idle, 15 days short of 1095).
    erase_at = inactivity.erase_on(inactivity.to_erase(now + 40 * DAY)[0], now)
    assert erase_at == now + 30 * DAY
    # The date is the organisation's local day (training.dates, tested in tests/training): late
    # in the evening UTC, Paris is already on the next day, and a 1st is written "1er".
    french_date = dates.format_date(erase_at, "fr")
    assert message["Subject"] == f"Votre compte sera supprimé le {french_date}"
    assert f"le vôtre le sera le {french_date}" in text
    # Running again the same day or the next warns nobody twice.
    assert retention.counts(now + DAY)["inactive-warning"] == 0
    assert inactivity.warn(inactivity.to_warn(now + DAY), now + DAY) == 0
    assert len(smtp.received) == 1


def test_the_purge_waits_for_the_warning_period_and_activity_voids_the_warning(app, make_user):
    app.config["SMTP_HOST"] = None  # the file outbox is enough here
    now = utcnow()
    learner = _idle(make_user, 1100)  # already past the full period: never erased unwarned
    assert retention.counts(now)["inactive-accounts"] == 0
    retention.apply(now)
    assert db.session.get(InactivityWarning, learner.id) is not None
    assert retention.counts(now + 29 * DAY)["inactive-accounts"] == 0
    assert [a.user_id for a in inactivity.to_erase(now + 30 * DAY)] == [learner.id]
    # The learner logs in after the warning: no purge, and a new idle period needs a new warning.
    learner.last_login_at = now + 10 * DAY
    db.session.commit()
    assert inactivity.to_erase(now + 30 * DAY) == []
    assert learner.id not in _warned_ids(now + 30 * DAY)
    later = now + (10 + 1066) * DAY
    assert learner.id in _warned_ids(later)


def test_an_inactive_learner_is_erased_after_the_warning_and_the_certificate_stays(
    app, make_user, client
):
    from certificates import services
    from courses.loader import get_course
    from privacy.erasure import is_erased
    from privacy.erasure_models import ErasureRequest
    from training.audit import AuditEvent
    from training.models import User

    app.config["SMTP_HOST"] = None
    learner = _idle(make_user, 1100, email="gone@example.test", full_name="Gone Person")
    certificate = services.issue(learner, get_course(SLUG), overall_score=90.0)
    active = make_user(email="here@example.test")
    now = utcnow()
    retention.apply(now)  # the warning
    planned = {p.policy.name: p.selection for p in retention.plan(now + 30 * DAY)}
    assert [a.user_id for a in planned["inactive-accounts"].keys["users"]] == [learner.id]

    done = {p.policy.name: n for p, n in retention.apply(now + 30 * DAY)}

    assert done["inactive-accounts"] == 1
    gone = db.session.get(User, learner.id)
    assert is_erased(gone) and gone.full_name != "Gone Person"
    assert not is_erased(db.session.get(User, active.id))
    assert db.session.get(InactivityWarning, learner.id) is None
    request = db.session.execute(
        db.select(ErasureRequest).where(ErasureRequest.user_id == learner.id)
    ).scalar_one()
    assert request.keep_certificates is True
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "account.erase")
    ).scalar_one()
    assert (event.subject_user_id, event.reason, event.actor_label) == (
        learner.id, "inactivity", "system",
    )  # fmt: skip
    # The certificate stays verifiable, with the name it was issued to.
    verification = client.get(f"/verify/{certificate.code}.json").get_json()
    assert verification["status"] == "valid"
    assert verification["holder"] == "Gone Person"
    assert verification["pdf_sha256"] == certificate.pdf_sha256
    # An erased account is never warned or erased again.
    assert retention.counts(now + 400 * DAY)["inactive-warning"] == 0
    assert retention.counts(now + 400 * DAY)["inactive-accounts"] == 0


def test_the_daily_task_is_registered_and_runs_once_a_day(app, make_user):
    app.config["SMTP_HOST"] = None
    huey = queue.get_huey()
    task = huey.passerelle_tasks[retention_tasks.TASK]
    assert isinstance(task.task_class(), PeriodicTask)
    # The scheduler enqueues it at 03:30 every day, and at no other minute.
    assert retention_tasks.TASK in {
        t.name for t in huey.read_periodic(datetime(2026, 12, 2, 3, 30))
    }
    assert retention_tasks.TASK not in {
        t.name for t in huey.read_periodic(datetime(2026, 12, 2, 4, 30))
    }
    learner = _idle(make_user, 1080)
    now = utcnow()
    done = retention_tasks.daily(now)
    assert done["inactive-warning"] == 1 and set(done) == {p.name for p in retention.POLICIES}
    assert db.session.get(InactivityWarning, learner.id) is not None
    assert retention_tasks.daily(now) == {}  # another worker, same day: nothing
    assert retention_tasks.daily(now + DAY)["inactive-warning"] == 0
