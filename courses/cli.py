"""``flask courses check [PATH]``: validate course folders and print every problem."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from courses.catalogue import Course
from courses.estimate import estimate_course, hours_warning
from courses.loader import course_folders, errors_in, load_course
from training.content_source import ContentError, Problem, line_of, load_yaml_file

courses_cli = AppGroup("courses", help="Course content tools.")


def _shown(path: Path) -> str:
    """A default path as short as possible: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def check_path(path: Path, shown: str) -> tuple[list[Problem], list[str]]:
    """Every problem under ``path`` (a course folder or a folder of courses) and a summary."""
    shown = shown.rstrip("/") or "/"
    if (path / "course.yaml").is_file():
        folders = [(path, shown)]
    else:
        folders = [(folder, f"{shown}/{folder.name}") for folder in course_folders(path)]
    if not folders:
        return [Problem(shown, 1, "no course found (a course folder holds a course.yaml)")], []
    problems: list[Problem] = []
    summary: list[str] = []
    for folder, display in folders:
        course, found = load_course(folder, display)
        if course is not None:
            found += _hours_problems(course, display)
        problems += found
        if course is not None:
            summary.append(
                f"{display}: ok ({len(course.modules)} modules, {len(course.quizzes())} quizzes,"
                f" {len(course.roleplays)} role-plays"
                + (f", {len(found)} warnings)" if found else ")")
            )
        else:
            summary.append(f"{display}: {len(errors_in(found))} errors, course left out")
    return problems, summary


def _hours_problems(course: Course, display: str) -> list[Problem]:
    """The warning when the course's ``hours`` is not honest (see courses.estimate)."""
    message = hours_warning(course.hours, estimate_course(course))
    if message is None:
        return []
    try:
        line = line_of(load_yaml_file(course.path / "course.yaml"), "hours")
    except (ContentError, OSError):  # read a moment ago; changed since
        line = 1
    return [Problem(f"{display}/course.yaml", line, message)]


@courses_cli.command("check")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def check_command(path: Path | None) -> None:
    """Validate PATH (a course folder or a folder of courses; default: COURSES_DIR).

    Prints one ``path:line: message`` per problem; warnings do not fail. Exit status 1 when
    any error is found, 0 when every course is valid.
    """
    if path is None:
        root = Path(current_app.config["COURSES_DIR"])
        problems, summary = check_path(root, _shown(root))
    else:
        if not path.is_dir():
            raise click.BadParameter(f"{path} is not a folder", param_hint="PATH")
        problems, summary = check_path(path, str(path))
    for problem in problems:
        click.echo(str(problem))
    for line in summary:
        click.echo(line, err=True)
    if errors_in(problems):
        raise SystemExit(1)
