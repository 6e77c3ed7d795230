"""Who signs: the issuer's ``did:web`` identifier, its DID document and its JWKS. Pure.

``did:web`` (https://w3c-ccg.github.io/did-method-web/) names the issuer by its web address:
``BASE_URL`` ``https://passerelle.example.org`` is ``did:web:passerelle.example.org``, whose
DID document a resolver fetches from ``https://passerelle.example.org/.well-known/did.json``;
a port is percent-encoded (``did:web:localhost%3A5000``) and a path becomes colon-separated
segments resolved to ``<path>/did.json`` (the app serves both paths). Each published key is a
``JsonWebKey`` verification method ``<did>#<kid>``; a credential's JOSE ``kid`` is that DID URL,
and the JWKS lists the same keys under the same ``kid``, so a verifier may use either.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

from credentials import signing
from credentials.keys import IssuerKey

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"]
VERIFICATION_METHOD_TYPE = "JsonWebKey"


def did_for(base_url: str) -> str:
    """The ``did:web`` of the site at ``base_url``."""
    parts = urlsplit(base_url.strip())
    if not parts.hostname:
        raise ValueError(f"BASE_URL {base_url!r} has no host name")
    host = parts.hostname
    if parts.port is not None:
        host += f":{parts.port}"
    segments = [quote(host, safe="")]
    segments += [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return "did:web:" + ":".join(segments)


def method_id(did: str, kid: str) -> str:
    """The DID URL of a key: what credentials name in their JOSE ``kid``."""
    return f"{did}#{kid}"


def kid_of(did: str, method: str) -> str | None:
    """The key id of a DID URL of ours (``None`` if it names another DID)."""
    prefix = did + "#"
    return (
        method[len(prefix) :] if method.startswith(prefix) and len(method) > len(prefix) else None
    )


def did_document(did: str, keys: Iterable[IssuerKey]) -> dict[str, Any]:
    """The DID document: every published key, all of them assertion methods."""
    methods = [
        {
            "id": method_id(did, key.kid),
            "type": VERIFICATION_METHOD_TYPE,
            "controller": did,
            "publicKeyJwk": key.public_jwk,
        }
        for key in keys
    ]
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def jwks(did: str, keys: Iterable[IssuerKey]) -> dict[str, Any]:
    """The same keys as a JWK Set (RFC 7517 §5), ``kid`` being the DID URL."""
    return {
        "keys": [
            {
                **key.public_jwk,
                "kid": method_id(did, key.kid),
                "alg": signing.ALGORITHM,
                "use": "sig",
            }
            for key in keys
        ]
    }


def profile(did: str, name: str, url: str) -> dict[str, Any]:
    """The Open Badges issuer ``Profile`` embedded in each credential."""
    return {"id": did, "type": ["Profile"], "name": name, "url": url}
