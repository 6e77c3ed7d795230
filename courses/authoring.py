"""What an author or reviewer needs to see of a course folder: the checker's problems and
warnings, and a picture of every role-play with what each ending can score.

Used by the admin's course pages (``courses.admin_views``); plain functions over a folder, so
a test can call them without HTTP. The check is kept until the folder's files change
(``courses.checked``), so an author who saves a file sees the new findings on the next request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from courses.checked import CheckedFolder, checked_folder
from courses.loader import course_folders
from courses.problems import is_warning
from courses.scenario import Scenario
from courses.scenario_picture import EndingRange, ending_ranges
from courses.scenario_svg import GraphvizMissing, scenario_svg
from training.content_source import Problem


@dataclass(frozen=True)
class ScenarioPicture:
    scenario: Scenario
    endings: list[EndingRange]
    svg: str | None  # None when it could not be drawn; ``error`` says why
    error: str = ""


@dataclass(frozen=True)
class CourseReport:
    slug: str
    title: str
    loads: bool
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    pictures: list[ScenarioPicture] = field(default_factory=list)


def course_slugs(root: Path) -> list[str]:
    return [folder.name for folder in course_folders(root)]


_reports: dict[tuple[str, str, bool, str], CourseReport] = {}
_reports_lock = threading.Lock()
_KEEP = 32  # reports kept at most (a few courses × languages × with or without pictures)


def course_report(
    root: Path, slug: str, labels: dict[str, str] | None = None, *, pictures: bool = True
) -> CourseReport:
    """The report for ``root/slug`` (with ``pictures``: each role-play drawn, ``labels`` the
    words the drawing adds); raises LookupError when there is no such course folder. The check
    comes from the shared cache (``courses.checked``); the drawings are kept beside it for the
    same folder version, so a page view runs Graphviz only after a file changed."""
    if slug not in course_slugs(root):
        raise LookupError(slug)
    checked = checked_folder(root / slug, slug)  # what `flask courses check` prints
    key = (
        str((root / slug).resolve()),
        checked.version,
        pictures,
        repr(sorted((labels or {}).items())),
    )
    with _reports_lock:
        if key in _reports:
            return _reports[key]
    report = _build(checked, slug, labels, pictures)
    with _reports_lock:
        if len(_reports) >= _KEEP:
            _reports.clear()
        _reports[key] = report
    return report


def _build(
    checked: CheckedFolder, slug: str, labels: dict[str, str] | None, pictures: bool
) -> CourseReport:
    errors = [p for p in checked.problems if not is_warning(p)]
    warnings = [p for p in checked.problems if is_warning(p)]
    course = checked.course
    if course is None:
        return CourseReport(slug, slug, False, errors, warnings)
    drawn = [_picture(scenario, labels) for scenario in course.roleplays] if pictures else []
    return CourseReport(slug, course.title, True, errors, warnings, drawn)


def _picture(scenario: Scenario, labels: dict[str, str] | None) -> ScenarioPicture:
    order = {"resolved": 0, "partial": 1, "escalated": 2}
    endings = sorted(
        ending_ranges(scenario).values(), key=lambda e: (order.get(e.outcome, 3), -e.best)
    )
    try:
        return ScenarioPicture(scenario, endings, scenario_svg(scenario, labels))
    except (GraphvizMissing, RuntimeError, OSError) as exc:
        return ScenarioPicture(scenario, endings, None, str(exc))
