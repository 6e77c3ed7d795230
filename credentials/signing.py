"""VC-JWT signing and verification: the only module that touches JOSE (the joserfc library).

Contract:

- :func:`sign` turns a claims dict into a compact JWS with the header ``{"typ": "JWT",
  "alg": "EdDSA", "kid": …}`` and nothing else (Open Badges 3.0, §8.2.2: additional JOSE
  headers are not allowed; ``typ``, if present, is ``"JWT"``). It is deterministic: Ed25519
  signatures (RFC 8032) are, and the claims are serialised compactly in their insertion order,
  so the same claims and key always give the same string.
- :func:`read_unverified` splits a token into its header and claims *without* checking the
  signature, so a verifier can pick the key named by ``kid``; :func:`verify` checks the
  signature with one public key and returns the claims. Both raise :class:`InvalidToken`
  (malformed) or :class:`BadSignature` (well-formed, but not signed by that key), never
  anything else.
- Keys are plain JWK dicts (RFC 8037 ``OKP``/``Ed25519``): :func:`new_private_jwk`,
  :func:`public_jwk`, :func:`thumbprint` (RFC 7638, used as the key id).

Only ``EdDSA`` is accepted on the way in, so ``none`` and algorithm-confusion tokens are
refused before any key is used. joserfc flags ``EdDSA`` as deprecated by RFC 9864 in favour of
the fully-specified ``Ed25519``; the wallets and Open Badges verifiers of today expect
``EdDSA`` (with ``crv: Ed25519``), so we keep it: our registry allows that one algorithm and
does not warn about it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from joserfc.jws import JWSRegistry

ALGORITHM = "EdDSA"
CURVE = "Ed25519"
#: Public JWK members of an Ed25519 key (RFC 8037 §2), in the order JWKS documents list them.
PUBLIC_MEMBERS = ("kty", "crv", "x")
MAX_TOKEN_LENGTH = 256 * 1024


@cache
def _registry() -> JWSRegistry:
    """A JWS registry that knows one algorithm, ``EdDSA``, and does not warn about it. Built
    (and joserfc, with the cryptography library, imported) on first use, not when a web worker
    starts: only issuing and verifying credentials need them."""
    from joserfc.errors import UnsupportedAlgorithmError
    from joserfc.jws import JWSAlgModel, JWSRegistry

    class _EdDSAOnly(JWSRegistry):
        def get_alg(self, name: str) -> JWSAlgModel:
            if name != ALGORITHM:
                raise UnsupportedAlgorithmError(f"Algorithm of '{name}' is not allowed")
            return self.algorithms[name]

    return _EdDSAOnly(algorithms=[ALGORITHM])


class InvalidToken(ValueError):
    """Not a compact JWS we can read (the message says why)."""


class BadSignature(InvalidToken):
    """A well-formed JWS whose signature does not verify with the given key."""


def new_private_jwk() -> dict[str, str]:
    """A fresh Ed25519 private key as a JWK (``kty``, ``crv``, ``x``, ``d``)."""
    from joserfc.jwk import OKPKey

    key = OKPKey.generate_key(CURVE)
    data = key.as_dict(private=True)
    return {name: str(data[name]) for name in (*PUBLIC_MEMBERS, "d")}


def public_jwk(jwk: Mapping[str, Any]) -> dict[str, str]:
    """The public part of a JWK (never ``d``)."""
    if jwk.get("kty") != "OKP" or jwk.get("crv") != CURVE or not jwk.get("x"):
        raise InvalidToken("not an Ed25519 key (expected kty OKP, crv Ed25519)")
    return {name: str(jwk[name]) for name in PUBLIC_MEMBERS}


def thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of the key, base64url: a stable key id."""
    from joserfc.jwk import OKPKey

    return OKPKey.import_key(public_jwk(jwk)).thumbprint()


def sign(claims: Mapping[str, Any], private_jwk: Mapping[str, Any], kid: str) -> str:
    """The compact JWS of ``claims``, signed with ``private_jwk`` and naming ``kid``."""
    if not private_jwk.get("d"):
        raise InvalidToken("this key has no private part: it can verify but not sign")
    from joserfc import jwt
    from joserfc.jwk import OKPKey

    key = OKPKey.import_key(dict(private_jwk))
    return jwt.encode({"alg": ALGORITHM, "kid": kid}, dict(claims), key, registry=_registry())


def read_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a compact JWS, signature not checked."""
    token = _clean(token)
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise InvalidToken("not a compact JWS: expected three base64url parts separated by dots")
    return _json_part(parts[0], "header"), _json_part(parts[1], "payload")


def verify(token: str, public: Mapping[str, Any]) -> dict[str, Any]:
    """The claims of ``token`` if its EdDSA signature verifies with ``public``."""
    token = _clean(token)
    header, _ = read_unverified(token)
    if header.get("alg") != ALGORITHM:
        raise InvalidToken(f"unsupported signature algorithm {header.get('alg')!r}")
    from joserfc import jwt
    from joserfc.errors import BadSignatureError, JoseError
    from joserfc.jwk import OKPKey

    key = OKPKey.import_key(public_jwk(public))
    try:
        return dict(jwt.decode(token, key, registry=_registry()).claims)
    except BadSignatureError as exc:
        raise BadSignature("the signature does not verify with this key") from exc
    except JoseError as exc:
        raise InvalidToken(f"unreadable JWS: {exc.error}") from exc


def _clean(token: str) -> str:
    if not isinstance(token, str):
        raise InvalidToken("a JWS is text")
    token = token.strip()
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("too long to be a credential")
    return token


def _json_part(part: str, what: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        value = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidToken(f"the JWS {what} is not base64url-encoded JSON") from exc
    if not isinstance(value, dict):
        raise InvalidToken(f"the JWS {what} is not a JSON object")
    return value
