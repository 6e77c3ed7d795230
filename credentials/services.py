"""Credential use cases: prepare and record a signed credential, revoke it, publish the issuer.

How a certificate gets its credential (``certificates.services`` calls these):

1. :func:`prepare_for_certificate` (before the certificate's PDF is rendered) reserves a random
   status-list position, in a short transaction of its own, builds the Open Badges credential
   and signs it with the active key. The result goes into the PDF as an associated file.
2. :func:`record` adds the credential row to the caller's transaction, with the certificate:
   both land or neither does.
3. :func:`revoke_for_certificate` (on revocation, and on a reissue for the superseded
   certificate) sets the revocation bit, also in the caller's transaction.

Without a usable key file (not configured, missing, readable by others) a certificate is
still issued, without a credential; the error is logged and ``flask credentials status`` shows
it. Nothing here commits except the status-entry reservation.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from credentials import issuer, keys, openbadges, signing, status_list
from credentials.certificate_badge import achievement_for_certificate
from credentials.models import IssuedCredential, StatusListEntry
from training.extensions import db
from training.timeutil import utcnow

log = logging.getLogger(__name__)

#: A list takes new entries until it is half full, so a random draw rarely collides.
LIST_FILL_LIMIT = status_list.LIST_SIZE // 2
RESERVE_ATTEMPTS = 20
#: The file name and media type of the credential inside a certificate PDF.
EMBEDDED_NAME = "open-badge-credential.jwt"
MEDIA_TYPE = "application/vc+jwt"


class CredentialError(RuntimeError):
    """A credential could not be prepared (the message says why)."""


@dataclass(frozen=True)
class PreparedCredential:
    """A signed credential not yet recorded: what goes into the PDF and then the database."""

    credential_id: str
    jwt: str
    kid: str
    status_entry_id: int
    issued_at: datetime

    @property
    def claims(self) -> dict[str, Any]:
        return signing.read_unverified(self.jwt)[1]


# --- The issuer ------------------------------------------------------------------------------


def base_url() -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/")


def issuer_did() -> str:
    return issuer.did_for(base_url())


def key_store() -> keys.KeyStore:
    """The configured key file; :class:`keys.KeyFileError` when there is none usable."""
    path = current_app.config.get("CREDENTIAL_KEY_FILE")
    if not path:
        raise keys.KeyFileError("CREDENTIAL_KEY_FILE is not set")
    return keys.cached(path)


def published_keys() -> list[keys.IssuerKey]:
    try:
        return key_store().published(utcnow())
    except keys.KeyFileError:
        return []


def did_document() -> dict[str, Any]:
    return issuer.did_document(issuer_did(), published_keys())


def jwks() -> dict[str, Any]:
    return issuer.jwks(issuer_did(), published_keys())


def status_list_url(list_number: int) -> str:
    return f"{base_url()}/credentials/status/{list_number}"


def image_url() -> str | None:
    logo = current_app.config.get("ORGANISATION_LOGO")
    return f"{base_url()}/static/{logo}" if logo else None


# --- Issuing ---------------------------------------------------------------------------------


def reserve_status_entry() -> StatusListEntry:
    """A fresh random position in the current list, committed at once (see models)."""
    for _ in range(RESERVE_ATTEMPTS):
        list_number = _open_list()
        entry = StatusListEntry(list_number=list_number, list_index=status_list.random_index())
        db.session.add(entry)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # that position was taken meanwhile: draw again
            continue
        return entry
    raise CredentialError("no free status-list position found")


def _open_list() -> int:
    newest = db.session.scalar(select(func.max(StatusListEntry.list_number))) or 1
    used = db.session.scalar(
        select(func.count())
        .select_from(StatusListEntry)
        .where(StatusListEntry.list_number == newest)
    )
    return newest + 1 if (used or 0) >= LIST_FILL_LIMIT else newest


def prepare(
    *,
    recipient: openbadges.Recipient,
    achievement: dict[str, Any],
    name: str,
    issuer_name: str,
    valid_from: datetime,
    completed_on: Any = None,
    score_percent: float | None = None,
) -> PreparedCredential | None:
    """Sign a new credential for ``recipient`` (``None``, logged, without a usable key)."""
    try:
        key = key_store().active
    except keys.KeyFileError as exc:
        log.error("no verifiable credential issued: %s", exc)
        return None
    entry = reserve_status_entry()
    did = issuer_did()
    credential_id = openbadges.new_urn()
    document = openbadges.credential(
        credential_id=credential_id,
        subject_id=openbadges.new_urn(),
        name=name,
        issuer=issuer.profile(did, issuer_name, base_url() + "/"),
        achievement=achievement,
        recipient=recipient,
        valid_from=valid_from,
        status=status_list.entry(status_list_url(entry.list_number), entry.list_index),
        completed_on=completed_on,
        score_percent=score_percent,
    )
    token = signing.sign(openbadges.jwt_claims(document), key.jwk, issuer.method_id(did, key.kid))
    return PreparedCredential(credential_id, token, key.kid, entry.id, valid_from)


def prepare_for_certificate(
    snapshot: Any,
    email: str,
    course: Any | None,
    language: str,
    previous_certificate_id: int | None = None,
) -> PreparedCredential | None:
    """The credential of a certificate about to be issued (``snapshot`` is its frozen content).

    On a reissue (``previous_certificate_id``) the achievement is the old credential's, as it
    was, like the rest of the snapshot; the name and the dates are the new certificate's.
    """
    achievement = None
    if previous_certificate_id is not None:
        old = credential_of_certificate(previous_certificate_id)
        if old is not None:
            achievement = decoded(old)["credentialSubject"]["achievement"]
    if achievement is None:
        achievement = achievement_for_certificate(
            snapshot, course, language, base_url(), image_url()
        ).to_json()
    return prepare(
        recipient=openbadges.Recipient(name=snapshot.holder_name, email=email),
        achievement=achievement,
        name=f"{snapshot.certificate_title} – {snapshot.course_title}",
        issuer_name=snapshot.issuer,
        valid_from=snapshot.issued_at,
        completed_on=snapshot.completed_on,
        score_percent=snapshot.score_percent,
    )


def record(prepared: PreparedCredential, certificate_id: int) -> IssuedCredential:
    """Add the credential to the caller's transaction (no commit)."""
    row = IssuedCredential(
        credential_id=prepared.credential_id,
        certificate_id=certificate_id,
        status_entry_id=prepared.status_entry_id,
        kid=prepared.kid,
        jwt=prepared.jwt,
        issued_at=prepared.issued_at.replace(tzinfo=None),
    )
    db.session.add(row)
    return row


def revoke_for_certificate(certificate_id: int, at: datetime) -> int:
    """Set the revocation bit of the certificate's credential, in the caller's transaction."""
    entry_ids = select(IssuedCredential.status_entry_id).where(
        IssuedCredential.certificate_id == certificate_id
    )
    return db.session.execute(
        update(StatusListEntry)
        .where(StatusListEntry.id.in_(entry_ids), StatusListEntry.revoked_at.is_(None))
        .values(revoked_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialSummary:
    """What the verification page and its JSON say about a certificate's credential."""

    credential_id: str
    revoked: bool
    issued_at: datetime
    issuer: str
    kid: str
    status_list_credential: str
    status_list_index: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.credential_id,
            "format": "Open Badges 3.0, VC-JWT (EdDSA)",
            "status": "revoked" if self.revoked else "valid",
            "issued_at": openbadges.datetime_z(self.issued_at),
            "issuer": self.issuer,
            "verification_method": issuer.method_id(self.issuer, self.kid),
            "status_list_credential": self.status_list_credential,
            "status_list_index": self.status_list_index,
        }


def summary_for_certificate(certificate_id: int) -> CredentialSummary | None:
    row = credential_of_certificate(certificate_id)
    if row is None:
        return None
    entry = row.status_entry
    return CredentialSummary(
        credential_id=row.credential_id,
        revoked=entry.revoked,
        issued_at=row.issued_at,
        issuer=issuer_did(),
        kid=row.kid,
        status_list_credential=status_list_url(entry.list_number),
        status_list_index=entry.list_index,
    )


def certificates_with_credentials(certificate_ids: list[int]) -> set[int]:
    """Which of these certificates have a credential (one query, for listing pages)."""
    if not certificate_ids:
        return set()
    return set(
        db.session.scalars(
            select(IssuedCredential.certificate_id).where(
                IssuedCredential.certificate_id.in_(certificate_ids)
            )
        )
    )


def credential_of_certificate(certificate_id: int) -> IssuedCredential | None:
    return db.session.execute(
        select(IssuedCredential).where(IssuedCredential.certificate_id == certificate_id)
    ).scalar()


def find(credential_id: str) -> IssuedCredential | None:
    if not credential_id or len(credential_id) > 64:
        return None
    return db.session.execute(
        select(IssuedCredential).where(IssuedCredential.credential_id == credential_id)
    ).scalar()


#: A credential whose holder erased their account and revoked it keeps only this digest of
#: its JWT (privacy.erasure): a copy shown to us is still recognised, and reported revoked.
ERASED_PREFIX = "sha256:"


def erased_form(token: str) -> str:
    return ERASED_PREFIX + hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def is_erased(row: IssuedCredential) -> bool:
    return row.jwt.startswith(ERASED_PREFIX)


def is_recorded_as(row: IssuedCredential, token: str) -> bool:
    """True when ``token`` is the JWT issued as ``row`` (kept whole, or as its digest)."""
    return row.jwt == token.strip() or row.jwt == erased_form(token)


def decoded(row: IssuedCredential) -> dict[str, Any]:
    """The credential inside the stored JWT (the JWT claims ``iss``, ``jti``… left out)."""
    return openbadges.credential_of(signing.read_unverified(row.jwt)[1])


def decoded_json(row: IssuedCredential) -> str:
    """The decoded credential as pretty JSON: derived from the frozen JWT, so always the same."""
    return json.dumps(decoded(row), indent=2, ensure_ascii=False) + "\n"


def status_list_jwt(list_number: int) -> str | None:
    """The signed status-list credential of a list (``None``: no such list, or no key).

    Its ``validFrom`` is the list's last revocation (or its creation), so it is the same
    string until the next revocation or key rotation.
    """
    entries = db.session.execute(
        select(
            StatusListEntry.list_index, StatusListEntry.revoked_at, StatusListEntry.reserved_at
        ).where(StatusListEntry.list_number == list_number)
    ).all()
    if not entries:
        return None
    try:
        key = key_store().active
    except keys.KeyFileError as exc:
        log.error("cannot sign status list %s: %s", list_number, exc)
        return None
    revoked = [(index, at) for index, at, _ in entries if at is not None]
    changed = max((at for _, at in revoked), default=min(at for _, _, at in entries))
    did = issuer_did()
    document = status_list.list_credential(
        status_list_url(list_number), did, changed, [index for index, _ in revoked]
    )
    return signing.sign(openbadges.jwt_claims(document), key.jwk, issuer.method_id(did, key.kid))
