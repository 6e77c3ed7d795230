"""Open Badges 3.0 ``OpenBadgeCredential`` (W3C VC Data Model 2.0): the JSON, and its VC-JWT
claims. Pure: dataclasses and dicts in, dicts out; no Flask, no database, no signing.

What a credential holds (1EdTech Open Badges 3.0, §B.1 and §8.2):

- ``@context``: VC 2.0 then OB 3.0 (referenced by URL, never fetched); ``type``
  ``["VerifiableCredential", "OpenBadgeCredential"]``; a stable ``id`` (``urn:uuid:…``) that
  never changes for this credential; a ``name`` for wallets; ``validFrom`` and ``awardedDate``
  (the issue time, UTC); a ``credentialSchema`` naming the 1EdTech JSON Schema.
- ``issuer``: the issuer ``Profile`` whose ``id`` is the ``did:web`` that signs.
- ``credentialSubject`` (``AchievementSubject``): a per-credential ``urn:uuid`` id (no learner
  DID exists; it is what the JWT ``sub`` names), the learner identified by a salted SHA-256
  ``identityHash`` of their email (``sha256$`` + hex of email + salt, the salt beside it) and by
  their name (``identityType`` ``name``, not hashed: it is printed on the certificate anyway),
  the ``achievement``, the completion date and, when there is one, the overall score as a
  ``Result`` of the achievement's ``ResultDescription``.
- ``credentialStatus``: the Bitstring Status List entry (see :mod:`credentials.status_list`).

An :class:`Achievement` describes *what* was achieved (a course, or a competency block of issue
15): its id is the same for every learner; its criteria are Markdown; its ``alignment`` list
points at frameworks (RNCP blocks…). Open Badges 3.0 has no field for clock hours
(``creditsAvailable`` means academic credit hours), so the hours are stated in the criteria.

The JWT claims are the credential plus ``iss`` (issuer id), ``jti`` (credential id), ``nbf``
(``validFrom``) and ``sub`` (subject id), as §8.2.4 requires.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

CONTEXTS = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
)
TYPES = ("VerifiableCredential", "OpenBadgeCredential")
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
SALT_BYTES = 16


@dataclass(frozen=True)
class Alignment:
    """A framework item the achievement aligns with (e.g. an RNCP competency block)."""

    target_name: str
    target_url: str
    target_code: str | None = None
    target_framework: str | None = None
    target_type: str | None = None
    target_description: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": self.target_name,
            "targetUrl": self.target_url,
        }
        optional = {
            "targetCode": self.target_code,
            "targetFramework": self.target_framework,
            "targetType": self.target_type,
            "targetDescription": self.target_description,
        }
        data.update({key: value for key, value in optional.items() if value})
        return data


@dataclass(frozen=True)
class Achievement:
    """What was achieved. ``id`` is a stable URI shared by every learner's credential."""

    id: str
    name: str
    description: str
    criteria: str
    achievement_type: str = "CertificateOfCompletion"
    language: str = "en"
    criteria_url: str | None = None
    image_url: str | None = None
    tags: tuple[str, ...] = ()
    alignments: tuple[Alignment, ...] = ()
    #: Label of the overall score, when the achievement is scored (a ``Percent`` result).
    score_label: str | None = None
    creator: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def score_id(self) -> str:
        return f"{self.id}#score" if "#" not in self.id else f"{self.id}-score"

    def to_json(self) -> dict[str, Any]:
        criteria: dict[str, Any] = {"narrative": self.criteria}
        if self.criteria_url:
            criteria = {"id": self.criteria_url, **criteria}
        data: dict[str, Any] = {
            "id": self.id,
            "type": ["Achievement"],
            "achievementType": self.achievement_type,
            "name": self.name,
            "description": self.description,
            "criteria": criteria,
            "inLanguage": self.language,
        }
        if self.image_url:
            data["image"] = {"id": self.image_url, "type": "Image"}
        if self.creator:
            data["creator"] = self.creator
        if self.tags:
            data["tag"] = list(self.tags)
        data["alignment"] = [alignment.to_json() for alignment in self.alignments]
        if self.score_label:
            data["resultDescription"] = [
                {
                    "id": self.score_id,
                    "type": ["ResultDescription"],
                    "name": self.score_label,
                    "resultType": "Percent",
                    "valueMin": "0",
                    "valueMax": "100",
                }
            ]
        return data


@dataclass(frozen=True)
class Recipient:
    """The learner: the name printed on the certificate and the email that is hashed."""

    name: str
    email: str
    salt: str = field(default_factory=lambda: secrets.token_hex(SALT_BYTES))


def identity_hash(email: str, salt: str) -> str:
    """Open Badges ``IdentityHash``: ``sha256$`` + hex SHA-256 of the UTF-8 email + salt."""
    digest = hashlib.sha256((normalise_email(email) + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def normalise_email(email: str) -> str:
    """What is hashed: the address trimmed and lower-cased (how accounts store it)."""
    return email.strip().lower()


def new_urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def datetime_z(moment: datetime | date) -> str:
    """``2026-11-14T15:30:00Z``: a date-time in UTC (naive means UTC; a date is midnight)."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def credential(
    *,
    credential_id: str,
    subject_id: str,
    name: str,
    issuer: dict[str, Any],
    achievement: dict[str, Any],
    recipient: Recipient,
    valid_from: datetime,
    status: dict[str, Any],
    completed_on: date | None = None,
    score_percent: float | None = None,
) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential``. ``achievement`` is :meth:`Achievement.to_json`
    (or the achievement of an earlier credential, kept as it was on a reissue)."""
    subject: dict[str, Any] = {
        "id": subject_id,
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(recipient.email, recipient.salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": recipient.salt,
            },
            {
                "type": "IdentityObject",
                "identityHash": recipient.name,
                "identityType": "name",
                "hashed": False,
            },
        ],
        "achievement": achievement,
    }
    if completed_on is not None:
        subject["activityEndDate"] = datetime_z(completed_on)
    descriptions = achievement.get("resultDescription") or []
    if score_percent is not None and descriptions:
        subject["result"] = [
            {
                "type": ["Result"],
                "resultDescription": descriptions[0]["id"],
                "value": _number(score_percent),
            }
        ]
    issued = datetime_z(valid_from)
    return {
        "@context": list(CONTEXTS),
        "id": credential_id,
        "type": list(TYPES),
        "name": name,
        "issuer": issuer,
        "validFrom": issued,
        "awardedDate": issued,
        "credentialSubject": subject,
        "credentialStatus": status,
        "credentialSchema": [dict(SCHEMA)],
    }


def jwt_claims(document: dict[str, Any]) -> dict[str, Any]:
    """The VC-JWT payload: the registered claims, then the credential itself."""
    issuer = document["issuer"]
    return {
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": document["id"],
        "nbf": numeric_date(document["validFrom"]),
        "sub": document["credentialSubject"]["id"],
        **document,
    }


def credential_of(claims: dict[str, Any]) -> dict[str, Any]:
    """The credential inside VC-JWT claims (without ``iss``, ``jti``, ``nbf``, ``sub``…)."""
    return {key: value for key, value in claims.items() if key not in JWT_CLAIMS}


JWT_CLAIMS = frozenset({"iss", "jti", "nbf", "sub", "exp", "iat", "aud"})


def numeric_date(text: str) -> int:
    """A JWT NumericDate (seconds since the epoch) from an ISO 8601 date-time with ``Z``."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _number(value: float) -> str:
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:g}"
