"""W3C Bitstring Status List v1.0 (revocation): the list credential and each credential's entry.
Pure: indexes in, JSON out.

- A list is :data:`LIST_SIZE` bits (131,072: the specification's minimum, 16 KB). Bit ``i`` is
  the credential whose ``statusListIndex`` is ``i``; index 0 is the left-most bit, i.e. the
  most significant bit of the first byte. A set bit means revoked.
- ``encodedList`` is the GZIP-compressed bitstring, base64url without padding, with the
  multibase prefix ``u``. The GZIP header carries no time stamp (``mtime=0``), so the same
  revoked set always encodes to the same string.
- Indexes are drawn at random (the specification asks for it, so that a position tells nothing
  about when a credential was issued or how many there are); the database keeps them unique.
"""

from __future__ import annotations

import base64
import gzip
import secrets
import zlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

LIST_SIZE = 131_072
PURPOSE = "revocation"
#: How long verifiers may cache a list (milliseconds), matched by the HTTP Cache-Control.
TTL_MS = 300_000
CONTEXT_V2 = "https://www.w3.org/ns/credentials/v2"


class StatusListError(ValueError):
    """A malformed encoded list, or an index outside the list."""


def random_index() -> int:
    return secrets.randbelow(LIST_SIZE)


def bitstring(revoked: Iterable[int], size: int = LIST_SIZE) -> bytes:
    """The raw bitstring with the bits of ``revoked`` set."""
    if size % 8:
        raise StatusListError("a bitstring is a whole number of bytes")
    bits = bytearray(size // 8)
    for index in revoked:
        if not 0 <= index < size:
            raise StatusListError(f"index {index} is outside a list of {size}")
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encode(revoked: Iterable[int], size: int = LIST_SIZE) -> str:
    """``encodedList`` for the revoked indexes."""
    compressed = gzip.compress(bitstring(revoked, size), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode(encoded: str, max_size: int = 16 * LIST_SIZE) -> bytes:
    """The bitstring of an ``encodedList`` (at most ``max_size`` bits, against GZIP bombs)."""
    if not encoded.startswith("u"):
        raise StatusListError("encodedList must be multibase base64url (prefix 'u')")
    body = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        raw = inflater.decompress(compressed, max_size // 8 + 1)
    except (ValueError, zlib.error) as exc:
        raise StatusListError("encodedList is not base64url GZIP data") from exc
    if len(raw) > max_size // 8 or inflater.unconsumed_tail:
        raise StatusListError("the status list is larger than allowed")
    return raw


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"index {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def entry(list_url: str, index: int) -> dict[str, str]:
    """The ``credentialStatus`` of the credential at ``index`` of the list at ``list_url``."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def list_credential(
    list_url: str, issuer: str, valid_from: datetime, revoked: Iterable[int]
) -> dict[str, Any]:
    """The (unsigned) ``BitstringStatusListCredential`` of one list."""
    return {
        "@context": [CONTEXT_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from.replace(tzinfo=None, microsecond=0).isoformat() + "Z",
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(revoked),
            "ttl": TTL_MS,
        },
    }
