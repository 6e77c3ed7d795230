"""``flask courses check [--strict] [PATH]``: validate course folders and print every problem;
``flask courses graph SCENARIO -o FILE.svg``: draw a role-play's graph;
``flask courses preview PATH``: serve one course folder for its author (``courses.preview``).

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
from courses.scenario import Scenario
from courses.scenario_picture import scenario_dot
from courses.scenario_svg import GraphvizMissing, scenario_svg
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


def find_scenario(spec: str, courses_dir: Path) -> tuple[Scenario, str]:
    """The role-play named by ``spec`` and its course's folder shown.

    ``spec`` is a role-play file (``content/cap-apm/roleplays/noise-dispute.yaml``) or
    ``COURSE/ROLEPLAY`` under the courses folder (``cap-apm/noise-dispute``).
    """
    path = Path(spec)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        folder, slug = path.parent.parent, path.stem
    elif spec.count("/") == 1:
        course_slug, slug = spec.split("/")
        folder = courses_dir / course_slug
    else:
        raise click.BadParameter(
            "give a role-play file or COURSE/ROLEPLAY (e.g. cap-apm/noise-dispute)",
            param_hint="SCENARIO",
        )
    if not (folder / "course.yaml").is_file():
        raise click.BadParameter(f"no course at {folder}", param_hint="SCENARIO")
    course, problems = load_course(folder, str(folder))
    if course is None:
        for problem in errors_in(problems):
            click.echo(str(problem), err=True)
        raise click.ClickException(f"the course at {folder} does not load")
    for scenario in course.roleplays:
        if scenario.slug == slug:
            return scenario, str(folder)
    known = ", ".join(s.slug for s in course.roleplays) or "none"
    raise click.BadParameter(f"no role-play {slug!r} in {folder} (known: {known})")


@courses_cli.command("graph")
@click.argument("scenario")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here (.svg, or .dot for the Graphviz source); default: print the SVG.",
)
def graph_command(scenario: str, output: Path | None) -> None:
    """Draw role-play SCENARIO's graph as SVG: decisions, choices with points, endings by
    outcome with their best and worst reachable score, critical choices, the best path."""
    found, _folder = find_scenario(scenario, Path(current_app.config["COURSES_DIR"]))
    if output is not None and output.suffix == ".dot":
        output.write_text(scenario_dot(found), encoding="utf-8")
        return
    try:
        svg = scenario_svg(found)
    except GraphvizMissing as exc:
        raise click.ClickException(str(exc)) from None
    if output is None:
        click.echo(svg)
    else:
        output.write_text(svg, encoding="utf-8")
        click.echo(f"{output}: {len(found.nodes)} nodes", err=True)


@courses_cli.command("preview")
@click.argument("path", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, show_default=True, type=int)
def preview_command(path: Path, host: str, port: int) -> None:
    """Serve the course folder PATH for its author: read-only, reloaded as files change, each
    page showing the checker's problems in its own file. Every visitor is signed in as a
    preview learner, so keep it on this computer (the default host)."""
    from werkzeug.serving import run_simple

    from courses.preview import create_preview_app

    if (path / "course.yaml").is_file() is False:
        raise click.BadParameter(f"{path} holds no course.yaml", param_hint="PATH")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: anyone who reaches {host}:{port} is signed in", err=True)
    app = create_preview_app(path)
    click.echo(f"Previewing {path} on http://{host}:{port}/courses/{path.resolve().name}", err=True)
    run_simple(host, port, app, threaded=True, use_reloader=False)
