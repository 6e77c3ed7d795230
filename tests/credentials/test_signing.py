"""The signing module against an independent implementation (``cryptography`` on the raw JWS)
and the RFC test material. No app, no database."""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credentials import signing
from tests.credentials.helpers import b64url_decode, b64url_encode, parts, verify_eddsa

CLAIMS = {"iss": "did:web:example.org", "name": "Aïcha Benali-Durand", "n": 1}


@pytest.fixture(scope="module")
def jwk() -> dict[str, str]:
    return signing.new_private_jwk()


def test_signed_token_verifies_with_cryptography(jwk) -> None:
    token = signing.sign(CLAIMS, jwk, "did:web:example.org#k1")
    assert verify_eddsa(token, signing.public_jwk(jwk)) == CLAIMS
    header, payload, signature = parts(token)
    assert header == {"typ": "JWT", "alg": "EdDSA", "kid": "did:web:example.org#k1"}
    assert len(signature) == 64  # an Ed25519 signature


def test_a_token_signed_by_cryptography_verifies_here() -> None:
    """The other direction: a JWS built by hand (RFC 7515 §5.1) with a cryptography key."""
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes_raw()
    public = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
    header = b64url_encode(json.dumps({"alg": "EdDSA", "kid": "k"}).encode())
    payload = b64url_encode(json.dumps(CLAIMS).encode())
    signature = b64url_encode(private.sign(f"{header}.{payload}".encode()))
    assert signing.verify(f"{header}.{payload}.{signature}", public) == CLAIMS


def test_signing_is_deterministic(jwk) -> None:
    assert signing.sign(CLAIMS, jwk, "k") == signing.sign(dict(CLAIMS), jwk, "k")


def test_a_tampered_payload_fails_both_verifiers(jwk) -> None:
    header, payload, signature = signing.sign(CLAIMS, jwk, "k").split(".")
    forged = b64url_encode(json.dumps({**CLAIMS, "name": "Mallory"}).encode())
    token = f"{header}.{forged}.{signature}"
    with pytest.raises(signing.BadSignature):
        signing.verify(token, signing.public_jwk(jwk))
    with pytest.raises(InvalidSignature):
        verify_eddsa(token, signing.public_jwk(jwk))


def test_another_key_fails(jwk) -> None:
    token = signing.sign(CLAIMS, jwk, "k")
    other = signing.public_jwk(signing.new_private_jwk())
    with pytest.raises(signing.BadSignature):
        signing.verify(token, other)
    with pytest.raises(InvalidSignature):
        verify_eddsa(token, other)


@pytest.mark.parametrize(
    "header",
    [{"alg": "none"}, {"alg": "HS256"}, {"alg": "ES256"}, {"alg": "EdDSA", "jwk": {"x": "y"}}],
)
def test_other_algorithms_and_headers_are_refused(jwk, header) -> None:
    encoded = b64url_encode(json.dumps(header).encode())
    payload = b64url_encode(json.dumps(CLAIMS).encode())
    with pytest.raises(signing.InvalidToken):
        signing.verify(f"{encoded}.{payload}.", signing.public_jwk(jwk))
    with pytest.raises(signing.InvalidToken):
        signing.verify(f"{encoded}.{payload}.c2ln", signing.public_jwk(jwk))


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", "!!.??.**", "e30.W10.c2ln"])
def test_malformed_tokens_are_invalid_never_a_crash(jwk, token) -> None:
    with pytest.raises(signing.InvalidToken):
        signing.verify(token, signing.public_jwk(jwk))


def test_public_jwk_never_holds_the_private_part(jwk) -> None:
    assert "d" in jwk
    assert set(signing.public_jwk(jwk)) == {"kty", "crv", "x"}
    with pytest.raises(signing.InvalidToken):
        signing.sign(CLAIMS, signing.public_jwk(jwk), "k")


def test_thumbprint_is_rfc7638() -> None:
    """RFC 8037 appendix A.3: the thumbprint of its example Ed25519 key."""
    public = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert signing.thumbprint(public) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    canonical = '{"crv":"Ed25519","kty":"OKP","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}'
    assert b64url_decode(signing.thumbprint(public)) == hashlib.sha256(canonical.encode()).digest()
