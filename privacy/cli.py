"""`flask data …`: the commands of the data-protection features (issue 21).

The ``data`` group lives here; each feature adds its commands to it (``retention`` below;
erasure adds its own with ``@data_cli.command``).
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from privacy import retention
from training.timeutil import utcnow

data_cli = AppGroup("data", help="Personal data: retention periods, erasure.")


@data_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Print what would go, remove nothing.")
def retention_command(dry_run: bool) -> None:
    """Apply the retention periods (docs/data-retention.md) and print what went per policy."""
    now = utcnow()
    click.echo(
        f"Retention at {now:%Y-%m-%d %H:%M} UTC"
        + (" (dry run: nothing removed)" if dry_run else "")
    )
    if dry_run:
        results = [(planned, None) for planned in retention.plan(now)]
    else:
        results = retention.apply(now)
    for planned, done in results:
        policy, selection = planned.policy, planned.selection
        verb = "would go" if done is None else f"done: {done}"
        click.echo(
            f"{policy.name} ({policy.config_key}={policy.days} days): {selection.count} "
            f"{policy.label} — {verb}"
        )
        for example in selection.examples:
            click.echo(f"    {example}")
        if selection.count > len(selection.examples):
            click.echo(f"    … and {selection.count - len(selection.examples)} more")
    staff = retention.staff_to_review(now)
    if staff:
        click.echo(
            f"Not erased automatically: {len(staff)} trainer or admin accounts inactive for "
            "longer than DATA_RETENTION_INACTIVE_DAYS; an admin reviews them:"
        )
        for account in staff[: retention.EXAMPLES]:
            click.echo(f"    {account.describe()}")
