"""``flask quizzes …`` commands; plain click, so they need no app context (and run in tests)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .formats import load_quiz_file
from .gift import parse_gift
from .gift_convert import conversion_warnings, gift_to_json, gift_to_quiz_yaml
from .gift_export import export_warnings, quiz_to_gift

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
    if not as_json:
        problems += conversion_warnings(questions, str(file))
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


@quizzes_cli.command("export-gift")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the GIFT file here instead of standard output.",
)
@click.option("--category", help="Write a $CATEGORY line first (Moodle's question bank category).")
def export_gift(file: Path, output: Path | None, category: str | None) -> None:
    """Write the quiz FILE (a .quiz.yaml or .quiz.gift) as GIFT for Moodle's question import.

    Problems go to standard error as ``path:line: message``; a quiz that does not load exits 1.
    """
    quiz, problems = load_quiz_file(file, str(file))
    if quiz is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1)
    for problem in problems + export_warnings(quiz, str(file)):
        click.echo(str(problem), err=True)
    result = quiz_to_gift(quiz, category)
    if output is None:
        click.echo(result, nl=False)
    else:
        output.write_text(result, encoding="utf-8")
        click.echo(f"{len(quiz.questions)} questions written to {output}", err=True)
