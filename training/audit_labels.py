"""What an audit event's action is called in front of people: "Certificate revoked", never the
raw code ``certificate.revoke``.

The codes are owned by the features that record them (``certificates.models.AuditAction``,
``courses.overrides.AUDIT_ACTIONS``, ``blocks.issuing.AUDIT_ISSUE`` and the literal codes passed
to :func:`training.audit.record`); tests/training/test_audit_labels.py fails when one of them
has no label here. The code stays available to the reader (the label's ``title``). In
templates: ``{{ event.action|audit_action }}``. An unknown code prints as it is.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

LABELS: dict[str, LazyString] = {
    "certificate.issue": _l("Certificate issued"),
    "certificate.revoke": _l("Certificate revoked"),
    "certificate.reissue": _l("Certificate reissued"),
    "block_attestation.issue": _l("Block attestation issued"),
    "override.extra_attempts": _l("Extra quiz attempts granted"),
    "override.reopen_roleplay": _l("Role-play reopened"),
    "override.excuse": _l("Requirement excused"),
    "cohort.invite": _l("Invited to a cohort"),
    "cohort.accept": _l("Cohort invitation accepted"),
    "cohort.decline": _l("Cohort invitation declined"),
    "cohort.leave": _l("Left a cohort"),
    "cohort.remove": _l("Removed from a cohort"),
    "reflection.reply": _l("Trainer replied to a reflection"),
    "user.role": _l("Role changed"),
    "account.erasure_request": _l("Account erasure requested"),
    "account.erasure_scheduled": _l("Account erasure scheduled"),
    "account.erasure_cancel": _l("Account erasure cancelled"),
    "account.erase": _l("Account erased"),
    "privacy.export_request": _l("Data export requested"),
    "privacy.export_download": _l("Data export downloaded"),
    "privacy.export_cli": _l("Data export made from the command line"),
}


def action_label(action: str | None) -> str:
    """``"certificate.revoke"`` → "Certificate revoked" ("Certificat révoqué" in French)."""
    label = LABELS.get(action or "")
    return str(label) if label is not None else (action or "")
