"""`flask data erase EMAIL --reason …`: erase an account now, from the command line.

The same service as the admin page (``privacy.erasure.erase_user``): the reason is kept in the
audit log; certificates stay verifiable unless ``--revoke-certificates``.
"""

from __future__ import annotations

import click

from privacy import erasure
from privacy.cli import data_cli
from training.accounts import find_user_by_email
from training.audit import CLI_ACTOR


@data_cli.command("erase")
@click.argument("email")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@click.option(
    "--revoke-certificates",
    is_flag=True,
    help="Revoke the holder's certificates (reason: holder's request) instead of keeping them.",
)
def erase_command(email: str, reason: str, revoke_certificates: bool) -> None:
    """Erase the account of EMAIL now (docs/data-retention.md, "Erasure")."""
    if not reason.strip():
        raise click.ClickException("Give a reason (it is kept in the audit log).")
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the address {email}.")
    try:
        report = erasure.erase_user(
            user.id,
            actor_id=None,
            reason=reason,
            keep_certificates=not revoke_certificates,
            actor_label=CLI_ACTOR,
        )
    except erasure.ErasureError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Account {report.user_id} erased (now {report.placeholder_email}).")
    kept, revoked = report.certificates_kept, report.certificates_revoked
    click.echo(f"Certificates kept verifiable: {len(kept)}; revoked: {len(revoked)}.")
    for table, count in sorted(report.deleted.items()):
        click.echo(f"    deleted {count} from {table}")
    for table, count in sorted(report.scrubbed.items()):
        click.echo(f"    cleaned {count} in {table}")
