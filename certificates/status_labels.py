"""What a certificate's status is called in front of people: never the raw code ``revoked``.

One translated mapping for every page, CSV and mail that shows a status; the stored codes are
``certificates.models.Status``. In templates: ``{{ certificate.status|certificate_status }}``.
"""

from __future__ import annotations

from flask_babel import gettext as _


def status_label(status: str | None) -> str:
    """``"revoked"`` → "Revoked" ("Révoqué" in French); an unknown code prints as it is."""
    labels = {
        "valid": _("Valid"),
        "revoked": _("Revoked"),
        "superseded": _("Superseded"),
    }
    return labels.get(status or "", status or "")
