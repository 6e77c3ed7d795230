"""``flask quizzes …`` commands; plain click, so they need no app context (and run in tests)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .gift import gift_to_json, gift_to_quiz_yaml, parse_gift

quizzes_cli = click.Group("quizzes", help="Quiz tools.")


@quizzes_cli.command("import-gift")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the result to this file instead of standard output.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the questions as JSON, not YAML.")
def import_gift(file: Path, output: Path | None, as_json: bool) -> None:
    """Convert a Moodle GIFT FILE into a quiz YAML file (or JSON with --json).

    Warnings (essays, descriptions, stray text) and skipped questions go to standard error as
    ``path:line: message``; they never stop the import. Exit status 1 only if FILE cannot be read.
    """
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"{file}: cannot read: {exc}", err=True)
        raise SystemExit(1) from exc
    questions, problems = parse_gift(text, str(file))
    for problem in problems:
        click.echo(str(problem), err=True)
    if as_json:
        result = json.dumps(gift_to_json(questions), indent=2, ensure_ascii=False) + "\n"
    else:
        result = gift_to_quiz_yaml(questions)
    if output is None:
        click.echo(result, nl=False)
    else:
        output.write_text(result, encoding="utf-8")
        click.echo(f"{len(questions)} questions written to {output}", err=True)
