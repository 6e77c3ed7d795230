"""After an erasure, no table holds the person's address or names: every String, Text and JSON
column of every table is read (signed credentials decoded) and searched."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import JSON, String, Text, select

from certificates.models import Certificate
from cohorts.replies import save_reply
from courses import roleplay_debrief
from courses.overrides import Override
from courses.roleplay_models import RoleplayRun
from privacy import erasure
from privacy.erasure_rules import RULES
from proof.models import LearningEvent
from tests.conftest import ROOT
from tests.erasure.conftest import EMAIL, FULL_NAME, NEEDLES, complete_everything
from training import audit, links
from training.extensions import db
from training.mail import send_mail
from training.models import Cohort, CohortInvitation, TokenPurpose
from training.timeutil import utcnow


def _decoded_jwt(value: str) -> str:
    """The payload of a compact JWS, as text (the name is base64url-encoded in it)."""
    parts = value.split(".")
    if len(parts) != 3:
        return ""
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        return base64.urlsafe_b64decode(padded).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return ""


def personal_data_left(needles: tuple[str, ...] = NEEDLES) -> dict[str, list[str]]:
    """``{"table.column": [needle, …]}`` for every text value still holding a needle."""
    found: dict[str, list[str]] = {}
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                text = (text + " " + _decoded_jwt(text)).casefold()
                hits = [n for n in needles if n.casefold() in text]
                if hits:
                    found.setdefault(f"{table.name}.{column.name}", []).extend(hits)
    return found


def outbox_files_left(app) -> list[str]:
    """The ``.eml`` files of the file outbox whose headers or text hold a needle."""
    found = []
    for path in sorted(Path(app.config["OUTBOX_DIR"]).glob("*.eml")):
        mail = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        parts = [str(v) for v in mail.values()]
        parts += [p.get_content() for p in mail.walk() if p.get_content_maintype() == "text"]
        if any(n.casefold() in "\n".join(parts).casefold() for n in NEEDLES):
            found.append(path.name)
    return found


@pytest.fixture
def lived_in(app, client, auth, learner, trainer, cohort, course, make_user):
    """The learner has used every feature that keeps something of them."""
    auth.login(EMAIL, "a wrong password")  # a failed login: a throttle row
    auth.login(EMAIL)  # a session
    complete_everything(learner, course)  # attempts, runs, progress, a certificate
    run = db.session.execute(select(RoleplayRun).where(RoleplayRun.user_id == learner.id)).scalar()
    roleplay_debrief.save_reflection(
        learner, run.id, "Moi, Zéphyrine, j'ai écouté d'abord.", course=course
    )
    db.session.refresh(trainer)  # loaded, as a request's current user is
    save_reply(run, trainer, f"Bravo {FULL_NAME}, well listened.", cohort.id)
    db.session.add(LearningEvent(user_id=learner.id, course_slug=course.slug,
                                 activity="module", key="01-intro", action="view"))  # fmt: skip
    other = Cohort(name="Evening group", course_slug=course.slug, join_code="zq-join-2",
                   trainers=[trainer])  # fmt: skip
    db.session.add(other)
    db.session.flush()
    db.session.add(
        CohortInvitation(cohort_id=other.id, user_id=learner.id, invited_by_id=trainer.id)
    )
    db.session.commit()
    links.issue_token(learner, TokenPurpose.RESET)
    send_mail(trainer, "Weekly digest", f"Waiting for a reply: {FULL_NAME} ({EMAIL}).")
    db.session.add(Override(user_id=learner.id, course_slug=course.slug, kind="excuse",
                            target="roleplay", key="noise", amount=0, granted_by_id=trainer.id,
                            granted_by_label=trainer.email, cohort_id=cohort.id,
                            reason="Zéphyrine Quillebeuf-Arnaudet was ill."))  # fmt: skip
    audit.record("membership.join", actor=learner, subject_user_id=learner.id, cohort_id=cohort.id)
    db.session.commit()
    left = personal_data_left()
    assert {
        "audit_events.actor_label", "overrides.reason", "reflection_replies.body",
        "roleplay_runs.reflection", "outbox_messages.text_body", "users.email",
    } <= set(left), sorted(left)  # fmt: skip
    assert len(outbox_files_left(app)) >= 2  # the reset link, the trainer's digest
    return learner


def test_every_table_has_an_erasure_rule_and_the_documentation_says_the_same(app):
    tables = {table.name for table in db.metadata.sorted_tables} | {"alembic_version"}
    assert sorted(tables - set(RULES)) == []
    assert sorted(set(RULES) - tables) == []
    page = (ROOT / "docs" / "data-retention.md").read_text("utf-8")
    section = page[page.index("## Erasure") :]
    for table, rule in RULES.items():
        assert f"| `{table}` | {rule.action} | {rule.what} |" in section, table


def test_an_erased_learner_who_revoked_leaves_no_personal_data(app, lived_in):
    report = erasure.erase_user(lived_in.id, actor_id=None, reason=None, keep_certificates=False)
    assert report.certificates_revoked
    db.session.expire_all()
    assert personal_data_left() == {}
    assert outbox_files_left(app) == []


def test_an_erased_learner_who_kept_certificates_leaves_only_the_frozen_snapshot(app, lived_in):
    report = erasure.erase_user(lived_in.id, actor_id=None, reason=None, keep_certificates=True)
    assert report.certificates_kept
    db.session.expire_all()
    left = personal_data_left()
    # The certificate as issued: the printed name and the signed credential that carries it.
    assert set(left) == {"certificates.holder_name", "credentials.jwt"}
    assert EMAIL not in str(left)
    assert outbox_files_left(app) == []
    certificate = db.session.execute(select(Certificate)).scalar_one()
    assert certificate.holder_name == FULL_NAME


def test_the_funders_record_is_found_by_the_former_address_until_its_date(app, lived_in):
    erasure.erase_user(lived_in.id, actor_id=None, reason=None, keep_certificates=True)
    record = erasure.find_erased_by_email(EMAIL.upper())
    assert record is not None and record.user_id == lived_in.id
    assert record.funder_keep_until > (utcnow() + timedelta(days=365 * 5)).date()
    assert erasure.find_erased_by_email("someone.else@example.test") is None
    erasure.run_due(utcnow() + timedelta(days=365 * 7))
    db.session.expire_all()
    assert erasure.find_erased_by_email(EMAIL, today=record.funder_keep_until) is None


def test_an_erased_trainer_leaves_no_personal_data_and_trains_no_cohort(
    app, client, auth, make_user, course
):
    from tests.erasure.conftest import make_cohort

    trainer = make_user(
        "trainer", email="wenceslas.brocheriou@example.test",
        full_name="Wenceslas Brocheriou", display_name="Wenceslas B.",
    )  # fmt: skip
    learner = make_user("learner")
    cohort = make_cohort(trainer, [learner], course.slug)
    complete_everything(learner, course)
    run = db.session.execute(select(RoleplayRun).where(RoleplayRun.user_id == learner.id)).scalar()
    roleplay_debrief.save_reflection(learner, run.id, "I listened.", course=course)
    db.session.refresh(trainer)
    save_reply(run, trainer, "Good listening.", cohort.id)
    auth.login(trainer.email)
    needles = ("wenceslas.brocheriou@example.test", "Wenceslas", "Brocheriou")
    assert personal_data_left(needles)

    erasure.erase_user(trainer.id, actor_id=None, reason=None, keep_certificates=True)
    db.session.expire_all()
    assert personal_data_left(needles) == {}
    assert db.session.get(Cohort, cohort.id).trainers == []
    assert client.get(f"/cohorts/{cohort.id}").status_code in (302, 403, 404)
    # The learner still reads the reply, signed by nobody in particular.
    from cohorts.replies import reply_for

    assert reply_for(run.id).body == "Good listening."
