"""Check a credential we are shown: a VC-JWT, its decoded JSON, or the one inside a PDF.

:func:`check_jwt` follows Open Badges 3.0 §8.2.6 and §9.1 against our own issuer: the ``kid``
must name one of our published keys, that key must not have expired, the signature must verify,
the JWT claims must agree with the credential (``iss``/``issuer.id``, ``jti``/``id``,
``nbf``/``validFrom``, ``sub``/``credentialSubject.id``), it must be an Open Badges credential
already valid, signed before its key was retired, and one we recorded. Its status (revoked or
not) comes from our status list. The result says why a check failed with a
:class:`Reason` (pages translate it) and an English ``detail`` (command line, logs).

:func:`check_json` accepts the decoded JSON a learner downloaded: it carries no signature, so it
is compared with the credential we issued under that id. :func:`embedded_tokens` reads the
credentials embedded in a PDF (pypdf, on untrusted bytes: any failure means "none").
"""

from __future__ import annotations

import enum
import io
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from credentials import issuer, keys, openbadges, services, signing
from credentials.models import IssuedCredential
from training.timeutil import utcnow

log = logging.getLogger(__name__)

BADGE_TYPES = {"OpenBadgeCredential", "AchievementCredential"}
MAX_EMBEDDED = 4


class Reason(enum.StrEnum):
    NOT_A_CREDENTIAL = "not_a_credential"
    UNSUPPORTED_ALGORITHM = "unsupported_algorithm"
    NO_KEYS = "no_keys"
    UNKNOWN_KEY = "unknown_key"
    EXPIRED_KEY = "expired_key"
    BAD_SIGNATURE = "bad_signature"
    NOT_OPEN_BADGE = "not_open_badge"
    INCONSISTENT = "inconsistent"
    RETIRED_KEY = "retired_key"
    NOT_YET_VALID = "not_yet_valid"
    UNKNOWN_CREDENTIAL = "unknown_credential"
    ALTERED = "altered"


@dataclass(frozen=True)
class CredentialCheck:
    verified: bool
    reason: Reason | None = None
    detail: str = ""
    credential: dict[str, Any] | None = None
    kid: str | None = None
    record: IssuedCredential | None = None
    #: ``True`` when the check compared a decoded JSON with our record (no signature in it).
    by_record: bool = False

    @property
    def revoked(self) -> bool | None:
        return self.record.revoked if self.verified and self.record is not None else None

    @property
    def status(self) -> str:
        """``valid``, ``revoked`` or ``invalid``."""
        if not self.verified:
            return "invalid"
        return "revoked" if self.revoked else "valid"

    @property
    def holder_name(self) -> str | None:
        for identifier in _subject(self.credential).get("identifier") or []:
            if isinstance(identifier, dict) and identifier.get("identityType") == "name":
                return str(identifier.get("identityHash"))
        return None

    @property
    def achievement_name(self) -> str | None:
        achievement = _subject(self.credential).get("achievement")
        return str(achievement.get("name")) if isinstance(achievement, dict) else None


def _subject(credential: dict[str, Any] | None) -> dict[str, Any]:
    subject = (credential or {}).get("credentialSubject")
    return subject if isinstance(subject, dict) else {}


def _fail(reason: Reason, detail: str, **known: Any) -> CredentialCheck:
    return CredentialCheck(False, reason, detail, **known)


def check_jwt(token: str, at: datetime | None = None) -> CredentialCheck:
    """Verify a VC-JWT as issued by this site (see the module docstring)."""
    at = at or utcnow()
    try:
        header, claims = signing.read_unverified(token)
    except signing.InvalidToken as exc:
        return _fail(Reason.NOT_A_CREDENTIAL, f"not a signed credential: {exc}")
    credential = openbadges.credential_of(claims)
    kid = str(header.get("kid") or "")
    known: dict[str, Any] = {"credential": credential, "kid": kid or None}
    if header.get("alg") != signing.ALGORITHM:
        return _fail(
            Reason.UNSUPPORTED_ALGORITHM, f"unsupported algorithm {header.get('alg')!r}", **known
        )
    try:
        store = services.key_store()
    except keys.KeyFileError as exc:
        return _fail(Reason.NO_KEYS, f"this site cannot verify credentials: {exc}", **known)
    did = services.issuer_did()
    local = issuer.kid_of(did, kid)
    key = store.find(local) if local else None
    if key is None:
        return _fail(
            Reason.UNKNOWN_KEY, f"signed with a key that {did} does not publish ({kid!r})", **known
        )
    if key.expired(at):
        when = key.expires.date().isoformat() if key.expires else "?"
        return _fail(
            Reason.EXPIRED_KEY,
            f"the signing key {key.kid} expired on {when}: its signatures are no longer trusted",
            **known,
        )
    try:
        signing.verify(token, key.public_jwk)
    except signing.InvalidToken as exc:
        return _fail(
            Reason.BAD_SIGNATURE,
            f"the signature does not match key {key.kid}: the credential was changed after it"
            f" was signed, or another key signed it ({exc})",
            **known,
        )
    types = credential.get("type") or []
    if not isinstance(types, list) or not BADGE_TYPES & set(types):
        return _fail(Reason.NOT_OPEN_BADGE, "not an Open Badges credential", **known)
    problem = _inconsistency(claims, credential, did)
    if problem:
        return _fail(Reason.INCONSISTENT, problem, **known)
    signed_at = _utc_from_numeric(claims["nbf"])
    if key.retired is not None and signed_at > key.retired:
        return _fail(
            Reason.RETIRED_KEY,
            f"signed on {signed_at.isoformat()}Z with key {key.kid}, retired on"
            f" {key.retired.isoformat()}Z",
            **known,
        )
    if signed_at > at:
        return _fail(Reason.NOT_YET_VALID, f"not valid before {signed_at.isoformat()}Z", **known)
    record = services.find(str(credential.get("id")))
    if record is None or not services.is_recorded_as(record, token):
        return _fail(
            Reason.UNKNOWN_CREDENTIAL,
            "signed by this issuer but not a credential it recorded",
            **known,
        )
    return CredentialCheck(True, None, "", credential, kid, record)


def _inconsistency(claims: dict[str, Any], credential: dict[str, Any], did: str) -> str | None:
    issuer_value = credential.get("issuer")
    issuer_id = issuer_value.get("id") if isinstance(issuer_value, dict) else issuer_value
    subject_id = _subject(credential).get("id")
    try:
        valid_from = openbadges.numeric_date(str(credential.get("validFrom")))
    except ValueError:
        return "validFrom is not a date-time"
    checks = [
        (claims.get("iss") == did, f"iss is not this issuer ({did})"),
        (issuer_id == claims.get("iss"), "iss and issuer.id differ"),
        (claims.get("jti") == credential.get("id"), "jti and id differ"),
        (claims.get("nbf") == valid_from, "nbf and validFrom differ"),
        (claims.get("sub") == subject_id, "sub and credentialSubject.id differ"),
    ]
    return next((message for ok, message in checks if not ok), None)


def _utc_from_numeric(value: Any) -> datetime:
    return datetime.fromtimestamp(int(value), tz=UTC).replace(tzinfo=None)


def check_json(text: str) -> CredentialCheck:
    """Compare a decoded credential (JSON, no signature) with the one we issued under its id."""
    try:
        credential = json.loads(text)
    except ValueError:
        return _fail(Reason.NOT_A_CREDENTIAL, "not JSON")
    if not isinstance(credential, dict):
        return _fail(Reason.NOT_A_CREDENTIAL, "not a JSON object")
    if "vc" in credential and isinstance(credential["vc"], dict):
        credential = credential["vc"]  # a VC 1.1-style JWT payload pasted as JSON
    credential = openbadges.credential_of(credential)
    record = services.find(str(credential.get("id") or ""))
    if record is None:
        return _fail(
            Reason.UNKNOWN_CREDENTIAL, "no credential with this id was issued here",
            credential=credential,
        )  # fmt: skip
    if services.is_erased(record):  # only the signed .jwt (or the PDF) can be checked now
        return _fail(
            Reason.UNKNOWN_CREDENTIAL,
            "the holder erased their account: check the signed .jwt file or the PDF instead",
            credential=credential,
        )
    if services.decoded(record) != credential:
        return _fail(
            Reason.ALTERED,
            "differs from the credential issued under this id",
            credential=credential,
            record=record,
        )
    return CredentialCheck(True, None, "", credential, record.kid, record, by_record=True)


def check_text(data: bytes) -> CredentialCheck:
    """A credential file: a VC-JWT, or its decoded JSON."""
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        return _fail(Reason.NOT_A_CREDENTIAL, "not a text file")
    if text.startswith("{"):
        return check_json(text)
    return check_jwt(text)


def embedded_tokens(pdf: bytes) -> list[str]:
    """The VC-JWTs embedded in a PDF (at most a few; none when it cannot be read)."""
    from pypdf import PdfReader

    tokens: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        for name, contents in reader.attachments.items():
            for content in contents[:MAX_EMBEDDED]:
                if name.endswith(".jwt") and len(content) <= signing.MAX_TOKEN_LENGTH:
                    tokens.append(content.decode("ascii", errors="replace").strip())
            if len(tokens) >= MAX_EMBEDDED:
                break
    except Exception:  # noqa: BLE001 - untrusted bytes: an unreadable PDF embeds nothing
        log.info("could not read the attachments of an uploaded PDF", exc_info=True)
        return []
    return tokens[:MAX_EMBEDDED]
