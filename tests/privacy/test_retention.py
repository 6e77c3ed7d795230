"""The retention policies (privacy.retention): a plan that changes nothing, an apply that removes
exactly what the plan listed, and the records every policy must leave alone."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from privacy import retention
from privacy.export_models import ExportRequest
from proof.models import LearningEvent
from training import audit
from training.audit import AuditEvent
from training.extensions import db
from training.models import OneTimeToken
from training.outbox import OutboxMessage
from training.queue import TaskRun
from training.session_models import LoginThrottle, RememberToken, UserSession
from training.timeutil import utcnow

NOW = utcnow().replace(microsecond=0)
DAY = timedelta(days=1)


def _count(model) -> int:  # noqa: ANN001
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _ids(model, column) -> set:  # noqa: ANN001
    return set(db.session.execute(select(column)).scalars())


def _event(user_id: int, at, key: str) -> LearningEvent:  # noqa: ANN001
    row = LearningEvent(user_id=user_id, at=at, course_slug="c", activity="module", key=key,
                        action="view")  # fmt: skip
    db.session.add(row)
    return row


def _audit(action: str, at, **extra) -> AuditEvent:  # noqa: ANN001, ANN003
    event = audit.record(action, actor_label="system", **extra)
    event.at = at
    return event


def _mail(user, status: str, created, sent=None) -> OutboxMessage:  # noqa: ANN001
    row = OutboxMessage(
        idempotency_key=f"k-{status}-{created:%Y%m%d%H%M%S}-{user.id}", kind="account",
        user_id=user.id, to_address=user.email, subject="s", text_body="t", html_body="h",
        headers={}, status=status, attempts=1, next_attempt_at=created, created_at=created,
        sent_at=sent,
    )  # fmt: skip
    db.session.add(row)
    return row


@pytest.fixture
def seeded(app, make_user):
    """Old and recent rows of every kind a policy removes, plus what must never go."""
    config = app.config
    log_days, outbox_days = config["DATA_RETENTION_LOG_DAYS"], config["DATA_RETENTION_OUTBOX_DAYS"]
    evidence_days = config["DATA_RETENTION_EVIDENCE_DAYS"]
    learner = make_user(email="kept@example.test")  # active: nothing of theirs is an account purge
    old_event = _event(learner.id, NOW - (evidence_days + 2) * DAY, "01-old")
    _event(learner.id, NOW - (evidence_days - 2) * DAY, "02-recent")
    past_log = NOW - (log_days + 5) * DAY
    purged_audit = [
        _audit("user.role", past_log, subject_user_id=learner.id),  # no course: log period
        _audit("cohort.leave", NOW - (evidence_days + 1) * DAY, course_slug="c"),
    ]
    kept_audit = [
        _audit("user.role", NOW - (log_days - 5) * DAY),
        _audit("override.extra_attempts", past_log, course_slug="c"),  # evidence period
        _audit("certificate.revoke", NOW - 4000 * DAY, course_slug="c"),  # kept for good
        _audit("block_attestation.issue", NOW - 4000 * DAY, course_slug="c"),
    ]
    db.session.add_all([
        UserSession(user_id=learner.id, token_hash="a" * 64, created_at=past_log,
                    last_seen_at=past_log, expires_at=past_log + DAY),
        UserSession(user_id=learner.id, token_hash="b" * 64, created_at=NOW - DAY,
                    last_seen_at=NOW - DAY, expires_at=NOW - DAY / 2),
        RememberToken(user_id=learner.id, family="f1", token_hash="c" * 64,
                      created_at=past_log - 30 * DAY, expires_at=past_log),
        OneTimeToken(user_id=learner.id, purpose="reset", token_hash="d" * 64,
                     created_at=past_log, expires_at=past_log + DAY),
        OneTimeToken(user_id=learner.id, purpose="reset", token_hash="e" * 64,
                     created_at=NOW, expires_at=NOW + DAY),
        LoginThrottle(key="f" * 64, failures=3, last_failure_at=past_log),
        TaskRun(name="reminders.daily", period="2020-01-01", started_at=past_log),
        TaskRun(name="reminders.daily", period="today", started_at=NOW),
        ExportRequest(user_id=learner.id, status="downloaded", created_at=past_log),
        ExportRequest(user_id=learner.id, status="expired", created_at=NOW - DAY),
    ])  # fmt: skip
    past_outbox = NOW - (outbox_days + 3) * DAY
    mails = {
        "old_sent": _mail(learner, "sent", past_outbox, past_outbox),
        "old_dead": _mail(learner, "dead", past_outbox),
        "old_pending": _mail(learner, "retry", past_outbox),  # still to deliver: kept
        "new_sent": _mail(learner, "sent", NOW - DAY, NOW - DAY),
    }
    db.session.commit()
    folder = Path(config["OUTBOX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    old_file, new_file = folder / "old.eml", folder / "new.eml"
    old_file.write_bytes(b"Subject: old\r\n\r\nbody")
    new_file.write_bytes(b"Subject: new\r\n\r\nbody")
    stamp = (past_outbox - type(NOW)(1970, 1, 1)).total_seconds()
    os.utime(old_file, (stamp, stamp))
    return {
        "audit_purged": {e.id for e in purged_audit},
        "audit_kept": {e.id for e in kept_audit},
        "mails": {name: m.id for name, m in mails.items()},
        "files": (old_file, new_file),
        "events": {old_event.id},
    }


def _by_name(plans) -> dict:  # noqa: ANN001
    return {p.policy.name: p.selection for p in plans}


def test_the_plan_lists_what_is_past_its_period(seeded):
    selections = _by_name(retention.plan(NOW))
    assert [p.name for p in retention.POLICIES] == [
        "inactive-warning", "inactive-accounts", "evidence", "audit-log", "sign-in-records",
        "outbox",
    ]  # fmt: skip
    assert selections["evidence"].count == 1
    assert set(selections["audit-log"].keys["audit_events"]) == seeded["audit_purged"]
    records = selections["sign-in-records"].keys
    assert {name: len(keys) for name, keys in records.items()} == {
        "user_sessions": 1, "remember_tokens": 1, "one_time_tokens": 1, "login_throttles": 1,
        "task_runs": 1, "data_export_requests": 1,
    }  # fmt: skip
    outbox = selections["outbox"]
    mails = seeded["mails"]
    assert set(outbox.keys["outbox_messages"]) == {mails["old_sent"], mails["old_dead"]}
    assert outbox.keys["files"] == [str(seeded["files"][0])]
    assert outbox.count == 3
    assert selections["inactive-warning"].count == 0  # the learner is active
    assert selections["inactive-accounts"].count == 0


def test_dry_run_prints_each_policy_and_removes_nothing(seeded, runner):
    tables = (LearningEvent, AuditEvent, UserSession, RememberToken, OneTimeToken, LoginThrottle,
              TaskRun, OutboxMessage, ExportRequest)  # fmt: skip
    before = {model: _count(model) for model in tables}
    result = runner.invoke(args=["data", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "dry run: nothing removed" in out
    assert "evidence (DATA_RETENTION_EVIDENCE_DAYS=2192 days): 1 learning events" in out
    assert "audit-log (DATA_RETENTION_LOG_DAYS=365 days): 2 audit log events" in out
    assert "sign-in-records (DATA_RETENTION_LOG_DAYS=365 days): 6 " in out
    assert "outbox (DATA_RETENTION_OUTBOX_DAYS=90 days): 3 sent and undeliverable mails" in out
    assert "user.role (event" in out and "file old.eml" in out  # examples
    assert "would go" in out and "done:" not in out
    assert {model: _count(model) for model in tables} == before
    assert all(path.exists() for path in seeded["files"])


def test_apply_removes_exactly_what_the_plan_listed(seeded, runner):
    planned = _by_name(retention.plan(NOW))
    audit_before = _ids(AuditEvent, AuditEvent.id)
    mails_before = _ids(OutboxMessage, OutboxMessage.id)
    sessions_before = _ids(UserSession, UserSession.id)
    events_before = _ids(LearningEvent, LearningEvent.id)

    done = {p.policy.name: n for p, n in retention.apply(NOW)}

    assert done == {name: sel.count for name, sel in planned.items()}
    assert _ids(AuditEvent, AuditEvent.id) == audit_before - seeded["audit_purged"]
    assert seeded["audit_kept"] <= _ids(AuditEvent, AuditEvent.id)
    assert _ids(OutboxMessage, OutboxMessage.id) == mails_before - set(
        planned["outbox"].keys["outbox_messages"]
    )
    assert _ids(UserSession, UserSession.id) == sessions_before - set(
        planned["sign-in-records"].keys["user_sessions"]
    )
    assert _ids(LearningEvent, LearningEvent.id) == events_before - seeded["events"]
    assert _count(RememberToken) == 0 and _count(LoginThrottle) == 0
    assert _count(OneTimeToken) == 1 and _count(TaskRun) == 1 and _count(ExportRequest) == 1
    old_file, new_file = seeded["files"]
    assert not old_file.exists() and new_file.exists()
    # A second pass finds nothing left to do.
    assert sum(retention.counts(NOW).values()) == 0


def test_the_cli_applies_and_reports(seeded, runner):
    result = runner.invoke(args=["data", "retention"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "outbox (DATA_RETENTION_OUTBOX_DAYS=90 days): 3 sent and undeliverable mails" in out
    assert "mails — done: 3" in out and "kept) — done: 2" in out
    assert _count(OutboxMessage) == 2


def test_periods_follow_the_configuration(seeded, app):
    app.config["DATA_RETENTION_LOG_DAYS"] = 10_000
    app.config["DATA_RETENTION_OUTBOX_DAYS"] = 10_000
    counts = retention.counts(NOW)
    assert counts["sign-in-records"] == 0 and counts["outbox"] == 0
    assert counts["audit-log"] == 1  # the course event follows the evidence period
    app.config["DATA_RETENTION_EVIDENCE_DAYS"] = 10_000
    assert retention.counts(NOW)["audit-log"] == 0
    assert retention.counts(NOW)["evidence"] == 0
