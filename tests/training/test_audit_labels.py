"""Audit events are shown by name ("Certificate revoked"), in English and French, with the
code kept in the label's title; every action code the code base records has a name."""

from __future__ import annotations

import re
from pathlib import Path

from training import audit
from training.audit_labels import LABELS, action_label
from training.extensions import db

ROOT = Path(__file__).resolve().parents[2]
_RECORDED = re.compile(r"audit\.record\(\s*\"([a-z_]+\.[a-z_]+)\"")


def recorded_actions() -> set[str]:
    """Every action code passed to ``audit.record``: literals in the sources and the features'
    constants."""
    from blocks.issuing import AUDIT_ISSUE
    from certificates.models import AuditAction
    from courses.overrides import AUDIT_ACTIONS

    codes = {AUDIT_ISSUE, *AuditAction, *AUDIT_ACTIONS.values()}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {"tests", "bench", "migrations"} or parts[0].startswith("."):
            continue
        codes |= set(_RECORDED.findall(path.read_text(encoding="utf-8")))
    return {str(code) for code in codes}


def test_every_recorded_action_has_a_label():
    codes = recorded_actions()
    assert len(codes) >= 20 and "account.erase" in codes  # the scan is not vacuous
    assert sorted(codes - LABELS.keys()) == []


def test_labels_in_both_languages_and_unknown_codes_as_they_are(app):
    from flask_babel import force_locale

    with app.test_request_context():
        assert action_label("certificate.revoke") == "Certificate revoked"
        assert action_label("something.new") == "something.new"
        assert action_label(None) == ""
        with force_locale("fr"):
            assert action_label("certificate.revoke") == "Certificat révoqué"
            assert action_label("override.excuse") == "Exigence dispensée"


def test_the_audit_log_shows_names_and_keeps_the_code(client, make_user, login_as):
    admin = login_as("admin")
    learner = make_user(email="someone@example.test")
    audit.record("cohort.remove", actor=admin, subject_user_id=learner.id, reason="Moved")
    audit.record("user.role", actor=admin, subject_user_id=learner.id)
    db.session.commit()
    page = client.get("/admin/audit").get_data(as_text=True)
    assert '<span class="audit-action" title="cohort.remove" data-action="cohort.remove">' in page
    assert "Removed from a cohort</span>" in page and "Role changed</span>" in page
    assert "<code>cohort.remove</code>" not in page
    # the filter names the actions too, sorted by name, and still filters by code
    assert re.search(r'<option value="user.role">Role changed</option>', page)
    assert page.index(">Removed from a cohort</option>") < page.index(">Role changed</option>")
    filtered = client.get("/admin/audit?action=user.role").get_data(as_text=True)
    assert "Role changed</span>" in filtered and "Removed from a cohort</span>" not in filtered

    admin.language = "fr"
    db.session.commit()
    french = client.get("/admin/audit").get_data(as_text=True)
    assert "Retiré d’un groupe</span>" in french and 'title="cohort.remove"' in french
