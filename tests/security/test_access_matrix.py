"""Walk every route of ``url_map`` as each of six roles, with real ids, against the table in
``access_matrix.py``. Fails on any mismatch, on an endpoint without a row (with the line to add)
and on a row whose endpoint is gone."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from notifications.preferences import unsubscribe_token
from tests.conftest import make_app
from tests.courses.course_factory import COURSE_YAML, write_course
from tests.security.access_matrix import ARGS, HIDDEN, LOGIN, MATRIX, OK, ROLES
from tests.support.database import empty_all_tables
from training.extensions import db
from training.session_models import UserSession
from training.timeutil import utcnow

METHODS = ("GET", "POST")


@dataclass
class World:
    app: Flask
    users: dict[str, Any]
    values: dict[str, Any]


def build_world(app: Flask) -> World:
    """Six roles around one cohort C (see the roles in access_matrix.py)."""
    from certificates import services as certificates
    from cohorts import membership
    from cohorts import services as cohorts
    from courses import roleplay_services
    from courses import services as courses
    from courses.loader import get_catalogue
    from quizzes import services as quizzes
    from training import accounts, links
    from training.models import TokenPurpose

    catalogue = get_catalogue(refresh=True)
    mini, closed = catalogue.courses["mini"], catalogue.courses["closed"]
    users = {
        role: accounts.create_user(
            f"{role}@example.test",
            display_name=role.replace("_", " ").title(),
            password="correct horse battery",
            role={"cohort_trainer": "trainer", "other_trainer": "trainer"}.get(
                role, "admin" if role == "admin" else "learner"
            ),
        )
        for role in ROLES
        if role != "anonymous"
    }
    cohort = cohorts.create_cohort(
        users["cohort_trainer"], cohorts.CohortFields("C", "mini", None, None, "", ())
    )
    other = cohorts.create_cohort(
        users["other_trainer"], cohorts.CohortFields("D", "mini", None, None, "", ())
    )
    learner = users["learner"]
    cohorts.join(learner, cohort)
    courses.enrol(learner, closed)
    courses.self_enrol(users["other_learner"], mini)
    attempt = quizzes.start_or_resume(learner, mini, "01-first")
    run = roleplay_services.start_run(learner, mini, "corridor")
    certificate = certificates.issue(learner, mini)
    invited = membership.invite(other, learner, users["other_trainer"])
    db.session.commit()
    unverified = accounts.create_user(
        "unverified@example.test", display_name="U", password=None, verified=False
    )
    from credentials.models import IssuedCredential

    credential = db.session.execute(
        select(IssuedCredential).where(IssuedCredential.certificate_id == certificate.id)
    ).scalar_one()
    block_attestation = _block_attestation(learner.id)
    values = {
        "block_id": "B1",
        "block_code": block_attestation.code,
        "status_list": credential.status_entry.list_number,
        "cohort_id": cohort.id,
        "learner_id": learner.id,
        "certificate_code": certificate.code,
        "join_code": cohort.join_code,
        "course_slug": "mini",
        "closed_slug": "closed",
        "module_stem": "01-first",
        "roleplay_slug": "corridor",
        "attempt_id": attempt.id,
        "run_id": run.id,
        "invitation_id": invited.invitation.id,
        "static_file": "css/app.css",
        "media_file": "diagram.png",
        "reset_token": links.issue_token(learner, TokenPurpose.RESET),
        "verify_token": links.issue_token(unverified, TokenPurpose.VERIFY),
        "invite_token": links.issue_token(unverified, TokenPurpose.INVITE),
        "unsubscribe_token": unsubscribe_token(learner.id, "inactivity"),
        "erasure_token": _erasure_token(unverified.id),
        "export_token": _ready_export(learner),
    }
    return World(app, users, values)


def _erasure_token(user_id: int) -> str:
    """A pending erasure request's mail link (privacy.erasure) for an account of the world."""
    from privacy.erasure_models import ErasureRequest

    token = secrets.token_urlsafe(32)
    db.session.add(
        ErasureRequest(
            user_id=user_id,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            token_expires_at=utcnow() + timedelta(days=1),
        )
    )
    db.session.commit()
    return token


def _ready_export(learner: Any) -> str:
    """The token of a ready data export of the learner (its link is walked, once per role)."""
    from privacy import export
    from privacy.export_models import ExportRequest

    record = ExportRequest(user_id=learner.id, status="pending", created_at=utcnow())
    db.session.add(record)
    db.session.commit()
    return export.store(record, b"PK\x05\x06" + bytes(18), utcnow())


def _block_attestation(learner_id: int) -> Any:
    """A stored block attestation of the learner (only its access is walked here)."""
    from blocks.models import BlockAttestation, current_key

    row = BlockAttestation(
        code="blockmatrix" + secrets.token_hex(8),
        user_id=learner_id,
        course_slug="mini",
        block_id="B1",
        current_key=current_key(learner_id, "mini", "B1"),
        holder_name="Learner",
        course_title="Mini",
        block_title="Block one",
        requirements=[],
        attained_on=utcnow().date(),
        issuer="Test",
        signatory="Test",
        issued_at=utcnow(),
        pdf=b"%PDF-1.7 stored bytes",
        pdf_sha256="0" * 64,
        pdf_size=21,
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture(scope="module")
def world(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("matrix")
    content = tmp / "content"
    write_course(
        content,
        "mini",
        course_yaml=COURSE_YAML + "blocks:\n  - {id: B1, title: One}\nsurvey: survey.yaml\n",
        **{"survey.yaml": "title: S\nitems:\n  - {id: clear, type: likert, prompt: Clear.}\n"},
    )
    write_course(
        content,
        "closed",
        course_yaml=COURSE_YAML.replace("open: true", "open: false"),
        **{"glossary.yaml": "terms:\n  - term: module\n    definition: A part of the course.\n"},
    )
    app = make_app(
        database_url,
        Path(tmp),
        COURSES_DIR=str(content),
        WTF_CSRF_ENABLED=True,
        WTF_CSRF_CHECK_DEFAULT=False,  # forms check it: see the access_matrix docstring
        RATELIMIT_ENABLED=False,
    )
    with app.app_context():
        yield build_world(app)
        empty_all_tables(db)
        db.session.remove()
        db.engine.dispose()


def signed_in_client(world: World, role: str):
    """A browser with a fresh server session of ``role`` (no login form: no argon2 per request)."""
    client = world.app.test_client()
    if role == "anonymous":
        return client
    user = world.users[role]
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=1),
        )
    )
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_sid"] = token
        session["_fresh"] = True
    return client


def outcome(response, method: str) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        if urlsplit(response.headers.get("Location", "")).path == "/login":
            return LOGIN
        return OK
    if status in (403, 404):
        return str(status)
    if status < 400 or (method == "POST" and status in (400, 422)):
        return OK
    return f"status {status}"


def routes(app: Flask) -> list[tuple[str, str, Any]]:
    found = []
    for rule in app.url_map.iter_rules():
        for method in METHODS:
            if method in (rule.methods or ()):
                found.append((f"{rule.endpoint} {method}", method, rule))
    return sorted(found, key=lambda item: item[0])


def url_of(world: World, key: str, rule: Any) -> str:
    overrides = MATRIX[key].args
    values = {}
    for name in rule.arguments:
        source = overrides.get(name, ARGS.get(name))
        if source is None or source not in world.values:
            raise AssertionError(
                f"{key}: no value for the URL argument <{name}> of {rule.rule}. Add "
                f"{name!r} to ARGS in tests/security/access_matrix.py, or give the row "
                f"args={{{name!r}: '<world key>'}} (world keys: {sorted(world.values)})."
            )
        values[name] = world.values[source]
    with world.app.test_request_context():
        return world.app.url_for(rule.endpoint, **values)


def test_every_endpoint_has_a_row(world: World) -> None:
    keys = {key for key, _method, _rule in routes(world.app)}
    missing = [
        f"{key} ({rule.rule})" for key, _method, rule in routes(world.app) if key not in MATRIX
    ]
    assert not missing, (
        "These endpoints have no row in tests/security/access_matrix.py:\n  "
        + "\n  ".join(missing)
        + "\nAdd one per endpoint and method, saying what each role gets, e.g.\n"
        '  "blueprint.view GET": row(LOGIN, OK, HIDDEN, OK, HIDDEN, OK),\n'
        "(anonymous, learner, other_learner, cohort_trainer, other_trainer, admin; outcomes "
        "OK, LOGIN, FORBIDDEN, HIDDEN; see that file's docstring)."
    )
    stale = sorted(set(MATRIX) - keys)
    assert not stale, f"Rows for endpoints that no longer exist (delete them): {stale}"


def test_every_role_gets_what_the_matrix_says(world: World) -> None:
    mismatches = []
    for key, method, rule in routes(world.app):
        if key not in MATRIX:
            continue  # reported by test_every_endpoint_has_a_row
        path = url_of(world, key, rule)
        for role in ROLES:
            client = signed_in_client(world, role)
            response = client.open(path, method=method)
            got = outcome(response, method)
            expected = MATRIX[key].expect[role]
            if got != expected:
                where = response.headers.get("Location", "")
                mismatches.append(
                    f"{key} {path} as {role}: expected {expected}, got {got} "
                    f"({response.status_code}{' → ' + where if where else ''})"
                )
    assert not mismatches, "Access matrix mismatches:\n  " + "\n  ".join(mismatches)


def test_the_matrix_can_fail(world: World) -> None:
    """A wrong row is reported (the walk is not vacuous)."""
    client = signed_in_client(world, "other_trainer")
    path = f"/cohorts/{world.values['cohort_id']}"
    assert outcome(client.get(path), "GET") == HIDDEN
    assert outcome(signed_in_client(world, "cohort_trainer").get(path), "GET") == OK
