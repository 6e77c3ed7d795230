"""Command line: `flask users …` and `flask demo`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from training import accounts
from training.models import ROLES

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Display name (also the full name unless given).")
@click.option("--full-name", default=None, help="Full name printed on certificates.")
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.option("--language", type=click.Choice(["en", "fr"]), default="en", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(
    email: str, name: str, full_name: str | None, role: str, language: str, password_stdin: bool
) -> None:
    """Create an account (confirmed, ready to log in)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(
            email, display_name=name, full_name=full_name, password=password, role=role,
            language=language,
        )  # fmt: skip
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def set_role_command(email: str, role: str) -> None:
    """Change the role of an existing account."""
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    accounts.set_role(user, role)
    click.echo(f"{user.email} is now {role}.")


@click.command("demo")
def demo_command() -> None:
    """Load demo data (idempotent) and print the logins."""
    from training.demo import load_demo

    for line in load_demo():
        click.echo(line)
