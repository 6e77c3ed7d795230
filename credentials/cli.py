"""``flask credentials …``: the issuer's signing keys, and checking a credential file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from credentials import keys, services, verification

credentials_cli = AppGroup(
    "credentials", help="Signing keys and verification of Open Badges credentials."
)


def _key_file() -> Path:
    path = current_app.config.get("CREDENTIAL_KEY_FILE")
    if not path:
        raise click.ClickException("CREDENTIAL_KEY_FILE is not set")
    return Path(path)


@credentials_cli.command("keygen")
@click.option("--if-missing", is_flag=True, help="Do nothing when the key file exists.")
def keygen_command(if_missing: bool) -> None:
    """Create the key file (mode 0600) with a new Ed25519 signing key."""
    path = _key_file()
    if path.exists() and if_missing:
        click.echo(f"The credential key file {path} exists; nothing to do.")
        return
    try:
        store = keys.generate(path)
    except keys.KeyFileError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {path} with key {store.active.kid}.")
    click.echo(f"Issuer: {services.issuer_did()}")


@credentials_cli.command("rotate")
@click.option(
    "--expire-old",
    is_flag=True,
    help="Stop trusting the old key too (it leaked): what it signed no longer verifies.",
)
def rotate_command(expire_old: bool) -> None:
    """Sign with a new key from now on; the old public key stays published for verification."""
    path = _key_file()
    try:
        old = keys.load(path).active
        store = keys.rotate(path, expire_old=expire_old)
    except keys.KeyFileError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Retired {old.kid}{' and expired it' if expire_old else ''}.")
    click.echo(f"New signing key {store.active.kid}.")


@credentials_cli.command("status")
def status_command() -> None:
    """Show the issuer, its keys and whether credentials can be signed."""
    path = _key_file()
    click.echo(f"Issuer: {services.issuer_did()}")
    click.echo(f"Key file: {path}")
    try:
        store = keys.load(path)
    except keys.KeyFileError as exc:
        click.echo(f"Cannot sign: {exc}")
        raise SystemExit(1) from exc
    for key in store.keys:
        state = "active" if key.can_sign else "retired"
        if key.expires is not None:
            state = f"expires {key.expires.isoformat()}Z"
        click.echo(f"  {key.kid}  created {key.created.isoformat()}Z  {state}")


@credentials_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_command(file: Path) -> None:
    """Check a credential file (VC-JWT or its JSON) or a certificate PDF's embedded credential;
    exit 0 if it is genuine and not revoked, 1 otherwise."""
    data = file.read_bytes()
    if data.startswith(b"%PDF"):
        tokens = verification.embedded_tokens(data)
        if not tokens:
            click.echo("invalid: this PDF carries no credential")
            raise SystemExit(1)
        check = verification.check_jwt(tokens[0])
    else:
        check = verification.check_text(data)
    if not check.verified:
        click.echo(f"invalid ({check.reason}): {check.detail}")
        raise SystemExit(1)
    credential = check.credential or {}
    click.echo(f"{check.status}: {credential.get('name')} — {check.holder_name}")
    click.echo(f"id {credential.get('id')}, signed with {check.kid}")
    raise SystemExit(0 if check.status == "valid" else 1)
