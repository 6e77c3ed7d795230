"""`flask data export EMAIL --output FILE`: the same archive as "download my data", written
to a file, for an administrator answering a request received by mail or post (the learner may
have lost access to their account). Recorded in the audit log."""

from __future__ import annotations

from pathlib import Path

import click

from privacy.cli import data_cli
from privacy.export_archive import build
from training import audit
from training.accounts import find_user_by_email
from training.extensions import db
from training.timeutil import utcnow


@data_cli.command("export")
@click.argument("email")
@click.option(
    "--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the ZIP (refused if the file exists).",
)  # fmt: skip
def export_command(email: str, output: Path) -> None:
    """Write the data archive of the account EMAIL to a ZIP file."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the address {email}.")
    if output.exists():
        raise click.ClickException(f"{output} exists already; choose another file.")
    data = build(user, utcnow())
    with output.open("xb") as handle:
        handle.write(data)
    output.chmod(0o600)
    audit.record(
        "privacy.export_cli", actor_label=audit.CLI_ACTOR, subject_user_id=user.id, size=len(data)
    )
    db.session.commit()
    click.echo(f"Wrote {output} ({len(data)} bytes) for {user.email}.")
