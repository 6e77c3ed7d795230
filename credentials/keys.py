"""The issuer's signing keys: one JSON file, outside the database and the repository.

The file (``CREDENTIAL_KEY_FILE``) holds every key the issuer ever published, newest last::

    {"format": "passerelle-credential-keys", "version": 1, "keys": [
      {"kid": "<RFC 7638 thumbprint>", "created": "2026-11-14T15:30:00Z",
       "retired": null, "expires": null, "jwk": {"kty": "OKP", "crv": "Ed25519", "x": …, "d": …}}
    ]}

- Exactly one key is *active* (not retired): it signs every new credential.
- :func:`rotate` retires the active key (its private part ``d`` is dropped from the file) and
  adds a new active one. A retired key stays published (DID document, JWKS) so the credentials
  it signed before its retirement still verify.
- A key may be *expired* (``rotate --expire-old``, for a key that leaked): it is no longer
  published and every credential it signed fails verification, with that reason.

The file is written atomically with mode 0600 and refused when other users may read it (the
private key is the issuer's signature). Nothing here signs: :mod:`credentials.signing` does.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from credentials import signing

FORMAT = "passerelle-credential-keys"
VERSION = 1
FILE_MODE = 0o600


class KeyFileError(RuntimeError):
    """The key file is missing, unreadable, too widely readable or malformed (message says)."""


@dataclass(frozen=True)
class IssuerKey:
    kid: str
    created: datetime
    retired: datetime | None
    expires: datetime | None
    jwk: dict[str, str]

    @property
    def public_jwk(self) -> dict[str, str]:
        return signing.public_jwk(self.jwk)

    @property
    def can_sign(self) -> bool:
        return self.retired is None and bool(self.jwk.get("d"))

    def expired(self, at: datetime) -> bool:
        return self.expires is not None and self.expires <= at

    def to_json(self) -> dict[str, Any]:
        return {
            "kid": self.kid,
            "created": _iso(self.created),
            "retired": _iso(self.retired),
            "expires": _iso(self.expires),
            "jwk": dict(self.jwk),
        }


@dataclass(frozen=True)
class KeyStore:
    """The keys of one file, oldest first."""

    keys: tuple[IssuerKey, ...]

    @property
    def active(self) -> IssuerKey:
        signers = [key for key in self.keys if key.can_sign]
        if len(signers) != 1:
            raise KeyFileError(f"the key file must hold exactly one active key ({len(signers)})")
        return signers[0]

    def find(self, kid: str) -> IssuerKey | None:
        return next((key for key in self.keys if key.kid == kid), None)

    def published(self, at: datetime) -> list[IssuerKey]:
        """The keys verifiers may use: every key that has not expired, oldest first."""
        return [key for key in self.keys if not key.expired(at)]


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _parse_time(value: Any, what: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value).removesuffix("Z")).replace(tzinfo=None)
    except ValueError as exc:
        raise KeyFileError(f"{what} is not an ISO 8601 date-time: {value!r}") from exc


def _key_from(data: Any, position: int) -> IssuerKey:
    if not isinstance(data, dict) or not isinstance(data.get("jwk"), dict):
        raise KeyFileError(f"key {position} is not an object with a 'jwk'")
    jwk = {str(k): str(v) for k, v in data["jwk"].items()}
    try:
        kid = signing.thumbprint(jwk)
    except (signing.InvalidToken, ValueError) as exc:
        raise KeyFileError(f"key {position} is not an Ed25519 JWK") from exc
    if data.get("kid") != kid:
        raise KeyFileError(f"key {position}: its kid is not the thumbprint of its public key")
    created = _parse_time(data.get("created"), f"key {position} 'created'")
    if created is None:
        raise KeyFileError(f"key {position} has no 'created' date")
    return IssuerKey(
        kid=kid,
        created=created,
        retired=_parse_time(data.get("retired"), f"key {position} 'retired'"),
        expires=_parse_time(data.get("expires"), f"key {position} 'expires'"),
        jwk=jwk,
    )


def load(path: str | os.PathLike[str]) -> KeyStore:
    """Read and check the key file; :class:`KeyFileError` says what is wrong."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise KeyFileError(
            f"no credential key file at {path}: run 'flask credentials keygen'"
        ) from exc
    if not stat.S_ISREG(info.st_mode):
        raise KeyFileError(f"{path} is not a regular file")
    if info.st_mode & 0o077:
        mode = stat.S_IMODE(info.st_mode)
        raise KeyFileError(
            f"{path} is readable or writable by other users (mode {mode:04o}):"
            f" run 'chmod 600 {path}'"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KeyFileError(f"{path} is not a readable JSON key file: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise KeyFileError(f"{path} is not a {FORMAT} file (version {VERSION})")
    raw_keys = data.get("keys")
    if not isinstance(raw_keys, list) or not raw_keys:
        raise KeyFileError(f"{path} holds no key")
    store = KeyStore(tuple(_key_from(item, n) for n, item in enumerate(raw_keys, start=1)))
    store.active  # noqa: B018 - raises when there is not exactly one active key
    return store


def write(path: str | os.PathLike[str], store: KeyStore) -> None:
    """Replace the file atomically; the new file is created with mode 0600 from the start."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(
        {"format": FORMAT, "version": VERSION, "keys": [key.to_json() for key in store.keys]},
        indent=2,
    )
    handle, temporary = tempfile.mkstemp(prefix=".credential-keys-", dir=path.parent)
    try:
        os.fchmod(handle, FILE_MODE)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _CACHE.pop(str(path), None)


def _new_key(now: datetime) -> IssuerKey:
    jwk = signing.new_private_jwk()
    return IssuerKey(kid=signing.thumbprint(jwk), created=now, retired=None, expires=None, jwk=jwk)


def generate(path: str | os.PathLike[str], now: datetime | None = None) -> KeyStore:
    """Create the key file with one active key; refuses to overwrite an existing file."""
    if Path(path).exists():
        raise KeyFileError(f"{path} already exists: use 'flask credentials rotate' for a new key")
    store = KeyStore((_new_key(_now(now)),))
    write(path, store)
    return store


def rotate(
    path: str | os.PathLike[str], now: datetime | None = None, *, expire_old: bool = False
) -> KeyStore:
    """Retire the active key and add a new one; ``expire_old`` also stops trusting the old key."""
    now = _now(now)
    store = load(path)
    old = store.active
    retired = replace(
        old,
        retired=now,
        expires=now if expire_old else old.expires,
        jwk=old.public_jwk,  # the private part leaves the file
    )
    keys = tuple(retired if key.kid == old.kid else key for key in store.keys)
    rotated = KeyStore((*keys, _new_key(now)))
    write(path, rotated)
    return rotated


def _now(now: datetime | None) -> datetime:
    moment = now or datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


_CACHE: dict[str, tuple[tuple[int, ...], KeyStore]] = {}
_CACHE_LOCK = threading.Lock()


def cached(path: str | os.PathLike[str]) -> KeyStore:
    """:func:`load`, re-read only when the file changes (a rotation is seen without restart)."""
    key = str(path)
    try:
        info = os.stat(key)
    except FileNotFoundError:
        return load(key)  # raises the clear error
    signature = (info.st_mtime_ns, info.st_size, info.st_ino, info.st_mode)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == signature:
            return hit[1]
    store = load(key)
    with _CACHE_LOCK:
        _CACHE[key] = (signature, store)
    return store
