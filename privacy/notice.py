"""The privacy notice (``/privacy``, public, English and French).

Everything that varies per deployment comes from the configuration: the controller
(``PRIVACY_CONTROLLER_NAME``, ``PRIVACY_CONTROLLER_ADDRESS``, ``PRIVACY_CONTACT_EMAIL``,
``PRIVACY_DPO``), the notice's version (``PRIVACY_NOTICE_VERSION``, recorded on each account
at registration) and the retention periods (``DATA_RETENTION_*_DAYS``, ``ERASURE_GRACE_DAYS``,
``DATA_EXPORT_LINK_DAYS``; what they remove is in docs/data-retention.md), so the page always
states what the platform actually does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template

from privacy.views import bp


@dataclass(frozen=True)
class Controller:
    name: str
    address: str
    email: str
    dpo: str


def controller() -> Controller:
    config = current_app.config
    return Controller(
        name=config["PRIVACY_CONTROLLER_NAME"],
        address=config["PRIVACY_CONTROLLER_ADDRESS"],
        email=config["PRIVACY_CONTACT_EMAIL"],
        dpo=config.get("PRIVACY_DPO") or "",
    )


def periods() -> dict[str, int]:
    """Retention periods in days, as configured (the keys the retention feature applies)."""
    config = current_app.config
    return {
        "inactive": int(config["DATA_RETENTION_INACTIVE_DAYS"]),
        "inactive_warning": int(config.get("DATA_RETENTION_INACTIVE_WARNING_DAYS", 30)),
        "evidence": int(config["DATA_RETENTION_EVIDENCE_DAYS"]),
        "logs": int(config["DATA_RETENTION_LOG_DAYS"]),
        "outbox": int(config["DATA_RETENTION_OUTBOX_DAYS"]),
        "grace": int(config["ERASURE_GRACE_DAYS"]),
        "export": int(config["DATA_EXPORT_LINK_DAYS"]),
    }


def context() -> dict[str, Any]:
    return {
        "controller": controller(),
        "days": periods(),
        "version": current_app.config["PRIVACY_NOTICE_VERSION"],
    }


@bp.get("/privacy")
def notice() -> str:
    return render_template("privacy/notice.html", **context())
