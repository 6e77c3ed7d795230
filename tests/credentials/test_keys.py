"""The key file: created 0600, refused when others can read it, rotated without losing the old
public keys, expired on demand; and the ``flask credentials`` commands around it."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest

from credentials import keys


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_generate_creates_a_0600_file_with_one_active_key(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "keys.json"
    store = keys.generate(path, datetime(2026, 11, 14, 15, 30))
    assert mode(path) == 0o600
    data = json.loads(path.read_text())
    assert data["format"] == "passerelle-credential-keys" and data["version"] == 1
    (key,) = data["keys"]
    assert key["created"] == "2026-11-14T15:30:00Z" and key["retired"] is None
    assert set(key["jwk"]) == {"kty", "crv", "x", "d"}
    assert store.active.kid == key["kid"] and store.active.can_sign
    assert [p.name for p in path.parent.iterdir()] == ["keys.json"]  # no temporary left


def test_generate_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    keys.generate(path)
    before = path.read_bytes()
    with pytest.raises(keys.KeyFileError, match="already exists"):
        keys.generate(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("loose", [0o640, 0o644, 0o604, 0o660])
def test_a_key_file_others_can_read_is_refused(tmp_path: Path, loose: int) -> None:
    path = tmp_path / "keys.json"
    keys.generate(path)
    os.chmod(path, loose)
    with pytest.raises(keys.KeyFileError, match=f"mode {loose:04o}.*chmod 600"):
        keys.load(path)


def test_missing_and_malformed_files_say_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    with pytest.raises(keys.KeyFileError, match="flask credentials keygen"):
        keys.load(path)
    for text, message in [
        ("not json", "not a readable JSON"),
        ("[]", "not a passerelle-credential-keys file"),
        ('{"format": "passerelle-credential-keys", "version": 1, "keys": []}', "holds no key"),
    ]:
        path.write_text(text)
        os.chmod(path, 0o600)
        with pytest.raises(keys.KeyFileError, match=message):
            keys.load(path)


def test_a_kid_that_is_not_the_key_thumbprint_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    keys.generate(path)
    data = json.loads(path.read_text())
    data["keys"][0]["kid"] = "chosen-by-hand"
    path.write_text(json.dumps(data))
    with pytest.raises(keys.KeyFileError, match="thumbprint"):
        keys.load(path)


def test_rotate_retires_the_old_key_keeps_its_public_part_and_drops_its_private_part(
    tmp_path: Path,
) -> None:
    path = tmp_path / "keys.json"
    old = keys.generate(path, datetime(2026, 1, 1)).active
    store = keys.rotate(path, datetime(2026, 6, 1))
    assert mode(path) == 0o600
    retired, new = store.keys
    assert retired.kid == old.kid and retired.retired == datetime(2026, 6, 1)
    assert "d" not in retired.jwk and not retired.can_sign
    assert retired.public_jwk == old.public_jwk
    assert store.active is new and new.kid != old.kid
    assert [k.kid for k in store.published(datetime(2027, 1, 1))] == [old.kid, new.kid]
    assert "d" not in json.loads(path.read_text())["keys"][0]["jwk"]


def test_rotate_with_expire_old_stops_publishing_the_old_key(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    old = keys.generate(path, datetime(2026, 1, 1)).active
    store = keys.rotate(path, datetime(2026, 6, 1), expire_old=True)
    assert store.find(old.kid).expired(datetime(2026, 6, 1))
    assert [k.kid for k in store.published(datetime(2026, 6, 2))] == [store.active.kid]


def test_the_cache_sees_a_rotation_and_a_chmod(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    keys.generate(path)
    first = keys.cached(path)
    assert keys.cached(path) is first  # not re-read while the file is unchanged
    rotated = keys.rotate(path)
    assert keys.cached(path).active.kid == rotated.active.kid
    os.chmod(path, 0o644)
    with pytest.raises(keys.KeyFileError):
        keys.cached(path)


# --- flask credentials … ----------------------------------------------------------------------


@pytest.fixture
def cli_app(app, tmp_path: Path):  # noqa: ANN001, ANN201
    app.config["CREDENTIAL_KEY_FILE"] = str(tmp_path / "cli" / "keys.json")
    return app


def test_keygen_rotate_and_status_commands(cli_app, runner) -> None:
    path = Path(cli_app.config["CREDENTIAL_KEY_FILE"])
    status = runner.invoke(args=["credentials", "status"])
    assert status.exit_code == 1 and "Cannot sign: no credential key file" in status.output

    created = runner.invoke(args=["credentials", "keygen"])
    assert created.exit_code == 0, created.output
    assert f"Created {path}" in created.output and "did:web:localhost" in created.output
    assert mode(path) == 0o600
    again = runner.invoke(args=["credentials", "keygen"])
    assert again.exit_code != 0 and "already exists" in again.output
    quiet = runner.invoke(args=["credentials", "keygen", "--if-missing"])
    assert quiet.exit_code == 0 and "nothing to do" in quiet.output

    first = keys.load(path).active.kid
    rotated = runner.invoke(args=["credentials", "rotate"])
    assert rotated.exit_code == 0 and f"Retired {first}." in rotated.output
    status = runner.invoke(args=["credentials", "status"])
    assert status.exit_code == 0
    assert f"{first}" in status.output and "retired" in status.output
    assert "active" in status.output

    expired = runner.invoke(args=["credentials", "rotate", "--expire-old"])
    assert expired.exit_code == 0 and "and expired it" in expired.output
    assert len(keys.load(path).keys) == 3
