"""Issuing, freezing, reissuing, revoking and verifying, through the services (no HTTP)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select

from certificates import services
from certificates.models import Certificate
from tests.certificates.helpers import flat, make_cohort, pdf_text
from training import accounts
from training.audit import AuditEvent
from training.extensions import db


@pytest.fixture
def learner(make_user):  # noqa: ANN001, ANN201
    return make_user("learner", full_name="Amina Diallo", email="amina@example.test")


def test_issue_stores_the_pdf_once_with_its_sha256(learner, course):
    certificate = services.issue(learner, course, completed_on=date(2026, 3, 14))
    assert certificate.status == "valid"
    assert certificate.current_key == f"{learner.id}:mini"
    assert certificate.pdf.startswith(b"%PDF")
    assert certificate.pdf_sha256 == hashlib.sha256(certificate.pdf).hexdigest()
    assert certificate.pdf_size == len(certificate.pdf)
    assert certificate.completed_on == date(2026, 3, 14)
    assert certificate.hours == 3.5
    assert certificate.issuer == "Passerelle test centre"
    assert certificate.signatory == "Claire Fontaine, Training Director"
    # A second issue returns the same certificate: one current certificate per course.
    assert services.issue(learner, course).id == certificate.id
    assert db.session.scalars(select(Certificate)).all() == [certificate]


def test_code_has_at_least_128_bits(learner, course):
    code = services.issue(learner, course).code
    assert len(code) == 32  # 20 random bytes in base32
    assert set(code) <= set("abcdefghijklmnopqrstuvwxyz234567")
    assert services.new_code() != services.new_code()


def test_pdf_text_holds_name_code_and_verify_url(learner, course):
    certificate = services.issue(learner, course)
    text = pdf_text(certificate.pdf)
    assert "Amina Diallo" in text
    assert "Mini mediation course" in text
    assert certificate.code in flat(text)
    assert f"http://localhost/verify/{certificate.code}" in flat(text)


@pytest.mark.parametrize(
    "name",
    ['<img src="file:///etc/passwd">', "http://169.254.169.254/latest/meta-data/"],
)
def test_hostile_names_print_as_text(make_user, course, name):
    user = make_user("learner", full_name=name)
    certificate = services.issue(user, course)
    text = pdf_text(certificate.pdf)
    assert flat(name) in flat(text)
    assert "root:" not in text


def test_snapshot_is_frozen(learner, course):
    certificate = services.issue(learner, course)
    pdf, sha = certificate.pdf, certificate.pdf_sha256
    accounts.update_profile(learner, learner.display_name, "Amina Diallo-Martin")
    db.session.expire_all()
    again = services.get_by_code(certificate.code)
    assert again.holder_name == "Amina Diallo"
    assert again.pdf == pdf and again.pdf_sha256 == sha
    assert services.verify(certificate.code).holder_name == "Amina Diallo"


def test_snapshot_survives_a_course_change(learner, make_user, course):
    from dataclasses import replace

    certificate = services.issue(learner, course)
    changed = replace(course, title="Renamed course", hours=70.0)
    # Issuing against the changed course returns the frozen certificate, untouched…
    again = services.issue(learner, changed)
    assert again.id == certificate.id
    assert again.course_title == "Mini mediation course" and again.hours == 3.5
    assert "Mini mediation course" in pdf_text(again.pdf)
    # …while a learner completing it now gets the new title.
    other = services.issue(make_user("learner"), changed)
    assert other.course_title == "Renamed course" and other.hours == 70.0


def test_reissue_for_name_change_supersedes(learner, course):
    old = services.issue(learner, course, completed_on=date(2026, 1, 5))
    assert services.reissue_for_name_change(learner, learner) == []  # same name: nothing to do
    accounts.update_profile(learner, learner.display_name, "Amina Diallo-Martin")
    [new] = services.reissue_for_name_change(learner, learner)
    db.session.expire_all()
    old = services.get_by_code(old.code)
    assert old.status == "superseded" and old.current_key is None
    assert old.superseded_by_id == new.id and new.replaces_id == old.id
    assert new.status == "valid" and new.code != old.code
    assert new.holder_name == "Amina Diallo-Martin"
    assert new.completed_on == date(2026, 1, 5)
    assert "Amina Diallo-Martin" in pdf_text(new.pdf)
    assert services.find_current(learner.id, "mini").id == new.id
    verification = services.verify(old.code)
    assert verification.status == "superseded" and verification.current_code == new.code
    [entry] = [e for e in services.audit_entries(new) if e.action == "certificate.reissue"]
    assert entry.actor_id == learner.id
    assert entry.detail["replaces"] == old.code
    assert entry.detail["old_name"] == "Amina Diallo"


def test_reissue_by_someone_else_is_refused(learner, make_user, course):
    services.issue(learner, course)
    other = make_user("learner")
    with pytest.raises(services.NotAllowed):
        services.reissue_for_name_change(learner, other)


def test_revoke_rules_and_audit(learner, make_user, course):
    stranger = make_user("trainer")
    trainer = make_user("trainer", email="trainer@example.test")
    make_cohort(trainer, [learner])
    certificate = services.issue(learner, course)  # earned in the trainer's cohort
    with pytest.raises(services.NotAllowed):
        services.revoke(certificate, stranger, "No reason")
    with pytest.raises(services.NotAllowed):
        services.revoke(certificate, learner, "I want to")
    with pytest.raises(services.CertificateError, match="reason"):
        services.revoke(certificate, trainer, "   ")
    services.revoke(certificate, trainer, "Assessment irregularity")
    assert certificate.status == "revoked" and certificate.current_key is None
    assert certificate.revoked_by_id == trainer.id and certificate.revoked_at is not None
    with pytest.raises(services.CertificateError, match="already"):
        services.revoke(certificate, trainer, "Again")
    verification = services.verify(certificate.code)
    assert verification.status == "revoked"
    assert verification.revoke_reason == "Assessment irregularity"
    actions = [(e.action, e.actor_label) for e in services.audit_entries(certificate)]
    assert actions == [
        ("certificate.issue", "system"),
        ("certificate.revoke", "trainer@example.test"),
    ]
    # Nothing was deleted, and a new certificate can be issued by a trainer afterwards.
    new = services.issue(learner, course, issued_by=trainer)
    assert new.id != certificate.id
    assert len(services.certificates_of(learner.id)) == 2


def test_trainer_of_another_course_cohort_cannot_revoke(learner, make_user, course):
    certificate = services.issue(learner, course)
    trainer = make_user("trainer")
    make_cohort(trainer, [learner], course_slug="another-course")
    with pytest.raises(services.NotAllowed):
        services.revoke(certificate, trainer, "Wrong cohort")


def test_admin_revokes_and_cli_actor_is_recorded(learner, make_user, course):
    admin = make_user("admin")
    first = services.issue(learner, course, issued_by=admin)
    services.revoke(first, admin, "Typo in the course")
    second = services.issue(learner, course)
    services.revoke(second, None, "Duplicate")
    entries = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id, e.actor_label) for e in entries] == [
        ("certificate.issue", admin.id, admin.email),
        ("certificate.revoke", admin.id, admin.email),
        ("certificate.issue", None, "system"),
        ("certificate.revoke", None, "CLI"),
    ]
    assert all(e.at is not None for e in entries)


def test_only_trainers_issue_for_others(learner, make_user, course):
    with pytest.raises(services.NotAllowed):
        services.issue(learner, course, issued_by=make_user("learner"))


def test_find_by_pdf_exact_bytes_only(learner, course):
    certificate = services.issue(learner, course)
    assert services.find_by_pdf(certificate.pdf).id == certificate.id
    tampered = bytearray(certificate.pdf)
    tampered[len(tampered) // 2] ^= 0x01
    assert services.find_by_pdf(bytes(tampered)) is None
    assert services.find_by_pdf(b"") is None


def test_verify_unknown_and_normalised_codes(learner, course):
    certificate = services.issue(learner, course)
    assert services.verify("nope") is None
    assert services.verify("") is None
    spaced = " " + certificate.code.upper()[:10] + "-" + certificate.code.upper()[10:] + " "
    assert services.verify(spaced).code == certificate.code
    data = services.verify(certificate.code).to_json()
    assert data["status"] == "valid" and data["valid"] is True
    assert data["holder"] == "Amina Diallo"
    assert data["pdf_sha256"] == certificate.pdf_sha256


def test_french_course_prints_french_labels(make_user, course):
    from dataclasses import replace

    user = make_user("learner", full_name="Léa Müller")
    french = replace(course, language="fr")
    certificate = services.issue(user, french)
    text = pdf_text(certificate.pdf)
    assert "Léa Müller" in text
    assert "Il est certifié que" in text
    assert "3,5 heures" in text
    assert certificate.competencies == ["Écoute active", "Cadre légal"]
