"""``flask certificates …``: issue after an in-person assessment, export, verify, revoke."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from certificates import services
from training import accounts

certificates_cli = AppGroup("certificates", help="Issue, export, verify and revoke certificates.")


def _user(email: str, what: str):  # noqa: ANN202 - a training.models.User
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no {what} with the email {email}")
    return user


def _certificate(code: str):  # noqa: ANN202 - a certificates.models.Certificate
    certificate = services.get_by_code(code)
    if certificate is None:
        raise click.ClickException(f"no certificate with the code {code}")
    return certificate


@certificates_cli.command("issue")
@click.argument("email")
@click.argument("course_slug", metavar="COURSE")
@click.option("--by", "by_email", required=True, help="Email of the trainer or admin issuing.")
def issue_command(email: str, course_slug: str, by_email: str) -> None:
    """Issue COURSE's certificate to the learner EMAIL, assessed in person (completion is not
    checked). Prints the code. A learner who already holds a valid one keeps it."""
    from courses.loader import get_course

    learner = _user(email, "learner")
    issuer = _user(by_email, "trainer")
    if not issuer.is_trainer:
        raise click.ClickException(f"{issuer.email} is not a trainer or an administrator")
    course = get_course(course_slug)
    if course is None:
        raise click.ClickException(f"no valid course called {course_slug!r}")
    existing = services.find_current(learner.id, course.slug)
    certificate = services.issue(learner, course, issued_by=issuer)
    if existing is not None:
        click.echo(
            f"{learner.email} already holds a valid certificate for {course.slug}.", err=True
        )
    click.echo(certificate.code)
    click.echo(services.verify_url(certificate.code), err=True)


@certificates_cli.command("pdf")
@click.argument("code")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the PDF (the stored bytes, exactly).",
)
def pdf_command(code: str, output: Path) -> None:
    """Write the stored PDF of certificate CODE to a file."""
    certificate = _certificate(code)
    output.write_bytes(certificate.pdf)
    click.echo(f"Wrote {output} ({certificate.pdf_size} bytes, SHA-256 {certificate.pdf_sha256}).")


@certificates_cli.command("verify")
@click.argument("code")
def verify_command(code: str) -> None:
    """Print the status of certificate CODE; exit 0 if it is valid, 1 otherwise."""
    verification = services.verify(code)
    if verification is None:
        click.echo("unknown: no certificate has this code")
        raise SystemExit(1)
    line = (
        f"{verification.status}: {verification.holder_name} — {verification.course_title} "
        f"(completed {verification.completed_on.isoformat()}, SHA-256 {verification.pdf_sha256})"
    )
    click.echo(line)
    if verification.revoked_at is not None:
        click.echo(
            f"revoked on {verification.revoked_at.date().isoformat()}: {verification.revoke_reason}"
        )
    if verification.current_code:
        click.echo(f"superseded by {verification.current_code}")
    raise SystemExit(0 if verification.status == "valid" else 1)


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Why; shown on the public verification page.")
def revoke_command(code: str, reason: str) -> None:
    """Revoke certificate CODE (recorded in the audit log as done from the command line)."""
    certificate = _certificate(code)
    try:
        services.revoke(certificate, None, reason)
    except services.CertificateError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Revoked {certificate.code}.")
