"""Independent checks: nothing here uses the application's credential code.

- :func:`verify_eddsa` verifies a compact JWS with the ``cryptography`` library directly
  (RFC 7515 §5.2: the signature is over the ASCII of ``header.payload``).
- :func:`resolve_key` dereferences a JOSE ``kid`` (a DID URL) through the served DID
  document, as a did:web resolver would, and checks the JWKS lists the same key.
- :func:`w3c_expand` and :func:`w3c_status` are the W3C Bitstring Status List v1.0
  "Bitstring Expansion Algorithm" and "Validate Algorithm" (status at
  ``statusListIndex × statusSize``, index 0 the left-most bit, minimum 131,072 entries).
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MINIMUM_ENTRIES = 131_072


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    header, payload, signature = token.split(".")
    return (
        json.loads(b64url_decode(header)),
        json.loads(b64url_decode(payload)),
        b64url_decode(signature),
    )


def verify_eddsa(token: str, jwk: dict[str, str]) -> dict[str, Any]:
    """The payload if the Ed25519 signature verifies; raises InvalidSignature otherwise."""
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and "d" not in jwk
    header_b64, payload_b64, signature_b64 = token.split(".")
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
    public.verify(b64url_decode(signature_b64), f"{header_b64}.{payload_b64}".encode("ascii"))
    header = json.loads(b64url_decode(header_b64))
    assert header["alg"] == "EdDSA"
    return json.loads(b64url_decode(payload_b64))


def resolve_key(client: Any, kid: str) -> dict[str, str]:
    """The public JWK a verifier finds for ``kid`` (``did:web:…#…``) on the served site."""
    did, _, fragment = kid.partition("#")
    assert did.startswith("did:web:") and fragment
    document = client.get("/.well-known/did.json").get_json()
    assert document["id"] == did
    method = next(m for m in document["verificationMethod"] if m["id"] == kid)
    assert method["controller"] == did and kid in document["assertionMethod"]
    jwks = client.get("/.well-known/jwks.json").get_json()
    listed = next(k for k in jwks["keys"] if k["kid"] == kid)
    assert {k: listed[k] for k in ("kty", "crv", "x")} == method["publicKeyJwk"]
    return method["publicKeyJwk"]


def w3c_expand(encoded_list: str) -> bytes:
    """Bitstring Expansion: multibase-decode (``u`` = base64url, no padding), then GZIP."""
    assert encoded_list[0] == "u", "multibase base64url prefix"
    return gzip.decompress(b64url_decode(encoded_list[1:]))


def w3c_status(status_list_credential: dict[str, Any], entry: dict[str, Any]) -> int:
    """The Validate Algorithm's status value of ``entry`` (a BitstringStatusListEntry)."""
    subject = status_list_credential["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert entry["statusPurpose"] == subject["statusPurpose"] == "revocation"
    bitstring = w3c_expand(subject["encodedList"])
    size = int(entry.get("statusSize", 1))
    assert len(bitstring) * 8 // size >= MINIMUM_ENTRIES, "STATUS_LIST_LENGTH_ERROR"
    position = int(entry["statusListIndex"]) * size
    assert position < len(bitstring) * 8, "RANGE_ERROR"
    byte = bitstring[position // 8]
    return (byte >> (7 - position % 8)) & 1
