"""The retention rules: what goes, after how long (the one documented place is
docs/data-retention.md, section "Retention periods").

:data:`POLICIES` lists them; each has a name, the configuration key holding its period in days,
a ``select(now)`` returning a :class:`Selection` (how many, a few examples, and the exact rows)
and an ``apply(selection, now)`` that removes exactly those rows. :func:`plan` selects for every
policy and changes nothing (``flask data retention --dry-run``); :func:`apply` selects and
applies, policy after policy, each committing its own work (the daily task
``retention.daily``, ``flask data retention``).

Never touched by any policy: certificates and block attestations (never deleted, only revoked),
quiz attempts, role-play runs, enrolments and progress of live accounts (results, which go with
the account), and the audit events of a certificate or a block attestation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, or_, select

from privacy import inactivity
from privacy.export_models import DOWNLOADED, EXPIRED, FAILED, ExportRequest
from proof import retention as evidence
from proof.models import LearningEvent
from training.audit import AuditEvent
from training.extensions import db
from training.models import OneTimeToken
from training.outbox import OutboxMessage
from training.queue import TaskRun
from training.session_models import LoginThrottle, RememberToken, UserSession
from training.timeutil import utcnow

FINISHED_EXPORTS = (DOWNLOADED, EXPIRED, FAILED)  # their archive is gone already
EXAMPLES = 5
CHUNK = 500
# Audit events about these are kept as long as what they describe: for good.
KEPT_AUDIT_PREFIXES = ("certificate.", "credential.", "block_attestation.")


@dataclass(frozen=True)
class Selection:
    """What a policy would remove now: a count, a few readable examples and the row keys."""

    count: int
    examples: list[str] = field(default_factory=list)
    keys: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Policy:
    name: str
    config_key: str
    label: Any  # a lazy string: what it removes, in the reader's language
    select: Callable[[datetime], Selection]
    apply: Callable[[Selection, datetime], int]

    @property
    def days(self) -> int:
        return int(current_app.config[self.config_key])


@dataclass(frozen=True)
class Planned:
    policy: Policy
    selection: Selection


def _days(key: str) -> int:
    return int(current_app.config[key])


def _cutoff(now: datetime, key: str) -> datetime:
    return now - timedelta(days=_days(key))


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _delete_ids(model: Any, column: Any, ids: list[Any]) -> int:
    removed = 0
    for chunk in _chunks(ids):
        result = db.session.execute(
            delete(model).where(column.in_(chunk)).execution_options(synchronize_session=False)
        )
        removed += int(result.rowcount or 0)
    return removed


# -- inactive accounts ---------------------------------------------------------------------


def _accounts_selection(accounts: list[inactivity.Inactive]) -> Selection:
    return Selection(
        count=len(accounts),
        examples=[a.describe() for a in accounts[:EXAMPLES]],
        keys={"users": list(accounts)},
    )


def _select_warnings(now: datetime) -> Selection:
    return _accounts_selection(inactivity.to_warn(now))


def _apply_warnings(selection: Selection, now: datetime) -> int:
    return inactivity.warn(selection.keys.get("users", []), now)


def _select_erasures(now: datetime) -> Selection:
    return _accounts_selection(inactivity.to_erase(now))


def _apply_erasures(selection: Selection, now: datetime) -> int:
    return inactivity.erase(selection.keys.get("users", []), now)


# -- evidence (proof.retention: one DELETE by date) ----------------------------------------


def _select_evidence(now: datetime) -> Selection:
    cutoff = evidence.cutoff(now)
    oldest = db.session.execute(
        select(LearningEvent)
        .where(LearningEvent.at < cutoff)
        .order_by(LearningEvent.at)
        .limit(EXAMPLES)
    ).scalars()
    examples = [f"{e.at:%Y-%m-%d} user {e.user_id} {e.activity}/{e.key} {e.action}" for e in oldest]
    return Selection(
        count=evidence.expired_count(now), examples=examples, keys={"before": [cutoff]}
    )


def _apply_evidence(selection: Selection, now: datetime) -> int:
    return evidence.purge(now) if selection.count else 0


# -- the audit log -------------------------------------------------------------------------


def _audit_condition(now: datetime) -> Any:
    """Past retention: events naming a course follow the evidence period, others the log
    period; events of a certificate or a block attestation are never selected."""
    log_cutoff = _cutoff(now, "DATA_RETENTION_LOG_DAYS")
    evidence_cutoff = evidence.cutoff(now)
    kept = or_(
        AuditEvent.certificate_id.is_not(None),
        *(AuditEvent.action.startswith(prefix) for prefix in KEPT_AUDIT_PREFIXES),
    )
    return and_(
        ~kept,
        or_(
            and_(AuditEvent.course_slug.is_(None), AuditEvent.at < log_cutoff),
            and_(AuditEvent.course_slug.is_not(None), AuditEvent.at < evidence_cutoff),
        ),
    )


def _select_audit(now: datetime) -> Selection:
    rows = db.session.execute(
        select(AuditEvent.id, AuditEvent.at, AuditEvent.action)
        .where(_audit_condition(now))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    return Selection(
        count=len(rows),
        examples=[f"{r.at:%Y-%m-%d} {r.action} (event {r.id})" for r in rows[:EXAMPLES]],
        keys={"audit_events": [r.id for r in rows]},
    )


def _apply_audit(selection: Selection, now: datetime) -> int:
    removed = _delete_ids(AuditEvent, AuditEvent.id, selection.keys.get("audit_events", []))
    db.session.commit()
    return removed


# -- sign-in records: sessions, tokens, login throttles, task markers, finished exports ----


def _security_tables(now: datetime) -> list[tuple[str, Any, Any, Any]]:
    """(name, model, key column, condition) of each kind of sign-in and housekeeping record."""
    cutoff = _cutoff(now, "DATA_RETENTION_LOG_DAYS")
    return [
        ("user_sessions", UserSession, UserSession.id,
         and_(UserSession.last_seen_at < cutoff, UserSession.expires_at < now)),
        ("remember_tokens", RememberToken, RememberToken.id, RememberToken.expires_at < cutoff),
        ("one_time_tokens", OneTimeToken, OneTimeToken.id, OneTimeToken.expires_at < cutoff),
        ("login_throttles", LoginThrottle, LoginThrottle.key,
         LoginThrottle.last_failure_at < cutoff),
        ("task_runs", TaskRun, TaskRun.id, TaskRun.started_at < cutoff),
        ("data_export_requests", ExportRequest, ExportRequest.id,
         and_(ExportRequest.status.in_(FINISHED_EXPORTS), ExportRequest.created_at < cutoff)),
    ]  # fmt: skip


def _select_security(now: datetime) -> Selection:
    keys: dict[str, list[Any]] = {}
    examples = []
    for name, _model, column, condition in _security_tables(now):
        keys[name] = list(db.session.execute(select(column).where(condition)).scalars())
        if keys[name]:
            examples.append(f"{len(keys[name])} {name}")
    return Selection(count=sum(map(len, keys.values())), examples=examples, keys=keys)


def _apply_security(selection: Selection, now: datetime) -> int:
    removed = 0
    for name, model, column, _condition in _security_tables(now):
        removed += _delete_ids(model, column, selection.keys.get(name, []))
    db.session.commit()
    return removed


# -- the mail outbox -----------------------------------------------------------------------


def _outbox_files(cutoff: datetime) -> list[Path]:
    """``.eml`` files the file outbox (no SMTP server) wrote before ``cutoff``."""
    folder = Path(current_app.config["OUTBOX_DIR"])
    if not folder.is_dir():
        return []
    # utcnow() is naive UTC: compare with the files' UTC modification times.
    limit = (cutoff - datetime(1970, 1, 1)).total_seconds()
    return sorted(p for p in folder.glob("*.eml") if p.stat().st_mtime < limit)


def _select_outbox(now: datetime) -> Selection:
    cutoff = _cutoff(now, "DATA_RETENTION_OUTBOX_DAYS")
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.status, OutboxMessage.created_at)
        .where(
            or_(
                and_(OutboxMessage.status == "sent", OutboxMessage.sent_at < cutoff),
                and_(OutboxMessage.status == "dead", OutboxMessage.created_at < cutoff),
            )
        )
        .order_by(OutboxMessage.id)
    ).all()
    files = _outbox_files(cutoff)
    examples = [f"{r.created_at:%Y-%m-%d} {r.kind} ({r.status}, message {r.id})" for r in rows]
    examples += [f"file {p.name}" for p in files]
    return Selection(
        count=len(rows) + len(files),
        examples=examples[:EXAMPLES],
        keys={"outbox_messages": [r.id for r in rows], "files": [str(p) for p in files]},
    )


def _apply_outbox(selection: Selection, now: datetime) -> int:
    removed = _delete_ids(
        OutboxMessage, OutboxMessage.id, selection.keys.get("outbox_messages", [])
    )
    db.session.commit()
    for name in selection.keys.get("files", []):
        path = Path(name)
        if path.exists():
            path.unlink()
            removed += 1
    return removed


POLICIES: list[Policy] = [
    Policy("inactive-warning", "DATA_RETENTION_INACTIVE_WARNING_DAYS",
           _l("inactive learner accounts to warn by mail"), _select_warnings, _apply_warnings),
    Policy("inactive-accounts", "DATA_RETENTION_INACTIVE_DAYS",
           _l("inactive learner accounts to erase (certificates stay verifiable)"),
           _select_erasures, _apply_erasures),
    Policy("evidence", "DATA_RETENTION_EVIDENCE_DAYS",
           _l("learning events (evidence of a training action)"),
           _select_evidence, _apply_evidence),
    Policy("audit-log", "DATA_RETENTION_LOG_DAYS",
           _l("audit log events (certificate events are kept)"), _select_audit, _apply_audit),
    Policy("sign-in-records", "DATA_RETENTION_LOG_DAYS",
           _l("ended sessions, expired tokens, login throttles, task markers, finished exports"),
           _select_security, _apply_security),
    Policy("outbox", "DATA_RETENTION_OUTBOX_DAYS",
           _l("sent and undeliverable mails"), _select_outbox, _apply_outbox),
]  # fmt: skip


def plan(now: datetime | None = None) -> list[Planned]:
    """What every policy would remove at ``now``; changes nothing."""
    now = now or utcnow()
    return [Planned(policy, policy.select(now)) for policy in POLICIES]


def apply(now: datetime | None = None) -> list[tuple[Planned, int]]:
    """Remove what :func:`plan` selects at ``now``: the whole plan is made first, so a policy
    applied early (a warning) never changes what a later one (an erasure) takes. Returns each
    policy's plan with how many rows went."""
    return [(planned, planned.policy.apply(planned.selection, now or utcnow()))
            for planned in plan(now)]  # fmt: skip


def staff_to_review(now: datetime | None = None) -> list[inactivity.Inactive]:
    """Trainer and admin accounts past the inactivity period: never erased automatically."""
    return inactivity.inactive_staff(now or utcnow())


def counts(now: datetime | None = None) -> dict[str, int]:
    """Policy name → how many rows it would remove now (for summaries and tests)."""
    return {p.policy.name: p.selection.count for p in plan(now)}
