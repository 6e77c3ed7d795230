"""What the public verification page and its JSON say about a block attestation.

Block attestations share the certificates' codes and their ``/verify/<code>`` page: a code that
is not a certificate's is looked up here (``certificates.views``). The page says plainly that it
is a partial validation by block, not the certification.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user

from blocks.issuing import can_download, get_by_code
from blocks.models import BlockAttestation


def to_json(a: BlockAttestation) -> dict[str, Any]:
    return {
        "code": a.code,
        "kind": "block_attestation",
        "partial_validation": True,
        "status": a.status,
        "valid": a.is_valid,
        "holder": a.holder_name,
        "course": a.course_title,
        "block": {"id": a.block_id, "title": a.block_title, "rncp": a.rncp},
        "requirements": list(a.requirements),
        "score_percent": a.score_percent,
        "attained_on": a.attained_on.isoformat(),
        "issued_at": a.issued_at.isoformat() + "Z",
        "issuer": a.issuer,
        "pdf_sha256": a.pdf_sha256,
        "revoked_at": a.revoked_at.isoformat() + "Z" if a.revoked_at else None,
    }


def page(code: str) -> str | None:
    """The verification page of the attestation with this code (None: no such code)."""
    attestation = get_by_code(code)
    if attestation is None:
        return None
    return render_template(
        "blocks/verify.html",
        a=attestation,
        can_download=can_download(current_user, attestation),
    )


def json_of(code: str) -> dict[str, Any] | None:
    attestation = get_by_code(code)
    return to_json(attestation) if attestation is not None else None


def exists(code: str) -> bool:
    return get_by_code(code) is not None
