"""``flask courses check [--strict] [PATH]``: validate course folders and print every problem.

Warnings (the checker's lints among them: scenarios easy to game or unsafe to pass, quizzes whose
key can be copied, hours that do not match the content) do not fail the check; ``--strict``
prints them as errors and fails, for a CI job that holds content to the assessment rules.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from courses.catalogue import Course
from courses.edition_parity import compare_editions, edition_pairs
from courses.loader import course_folders, errors_in, load_course
from courses.problems import strict as as_error
from training.content_source import Problem

courses_cli = AppGroup("courses", help="Course content tools.")


def _shown(path: Path) -> str:
    """A default path as short as possible: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def check_path(path: Path, shown: str, *, strict: bool = False) -> tuple[list[Problem], list[str]]:
    """Every problem under ``path`` (a course folder or a folder of courses) and a summary.

    ``strict`` turns every warning into an error (``warning:`` becomes ``error:``).
    """
    shown = shown.rstrip("/") or "/"
    if (path / "course.yaml").is_file():
        folders = [(path, shown)]
    else:
        folders = [(folder, f"{shown}/{folder.name}") for folder in course_folders(path)]
    if not folders:
        return [Problem(shown, 1, "no course found (a course folder holds a course.yaml)")], []
    problems: list[Problem] = []
    summary: list[str] = []
    loaded: list[tuple[Course, str]] = []
    for folder, display in folders:
        course, found = load_course(folder, display)
        if course is not None:
            loaded.append((course, display))
        if strict:
            found = [as_error(problem) for problem in found]
        problems += found
        if course is not None and strict and found:
            summary.append(f"{display}: {len(found)} errors under --strict")
        elif course is not None:
            summary.append(
                f"{display}: ok ({len(course.modules)} modules, {len(course.quizzes())} quizzes,"
                f" {len(course.roleplays)} role-plays"
                + (f", {len(found)} warnings)" if found else ")")
            )
        else:
            summary.append(f"{display}: {len(errors_in(found))} errors, course left out")
    if len(folders) == 1 and loaded:
        loaded += _reference_beside(*loaded[0])
    parity, parity_summary = check_editions(loaded)
    problems += [as_error(p) for p in parity] if strict else parity
    return problems, summary + parity_summary


def _reference_beside(course: Course, display: str) -> list[tuple[Course, str]]:
    """The reference edition in the folder beside a course checked alone (for parity)."""
    if course.edition_of is None:
        return []
    sibling = course.path.parent / course.edition_of
    shown = str(Path(display).parent / course.edition_of)
    reference = load_course(sibling, shown)[0] if (sibling / "course.yaml").is_file() else None
    return [(reference, shown)] if reference is not None else []


def check_editions(loaded: list[tuple[Course, str]]) -> tuple[list[Problem], list[str]]:
    """Parity of every edition with its reference edition (``courses.edition_parity``)."""
    pairs, problems = edition_pairs(loaded)
    summary = []
    for reference, edition in pairs:
        found = compare_editions(
            reference.course, reference.display, edition.course, edition.display
        )
        problems += found
        summary.append(
            f"{edition.display}: edition of {reference.display}, "
            + (f"{len(found)} differences" if found else "parallel")
        )
    return problems, summary


@courses_cli.command("check")
@click.option("--strict", is_flag=True, help="Count warnings as errors (and fail on them).")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def check_command(path: Path | None, strict: bool) -> None:
    """Validate PATH (a course folder or a folder of courses; default: COURSES_DIR).

    Prints one ``path:line: message`` per problem; warnings do not fail unless --strict.
    Exit status 1 when any error is found, 0 when every course is valid.
    """
    if path is None:
        root = Path(current_app.config["COURSES_DIR"])
        problems, summary = check_path(root, _shown(root), strict=strict)
    else:
        if not path.is_dir():
            raise click.BadParameter(f"{path} is not a folder", param_hint="PATH")
        problems, summary = check_path(path, str(path), strict=strict)
    for problem in problems:
        click.echo(str(problem))
    for line in summary:
        click.echo(line, err=True)
    if errors_in(problems):
        raise SystemExit(1)
