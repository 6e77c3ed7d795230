"""One cache of the checker's result per course folder, shared by the author tools."""

from __future__ import annotations

import os
from pathlib import Path

from courses.authoring import course_report
from courses.checked import checked_folder
from courses.preview import CoursePreview
from tests.courses.course_factory import write_course


def _touch_later(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_the_check_is_kept_until_a_file_changes(tmp_path: Path) -> None:
    folder = write_course(tmp_path)
    first = checked_folder(folder, "mini")
    assert first.course is not None
    assert checked_folder(folder, "mini") is first
    module = folder / "modules" / "01-first.md"
    module.write_text(module.read_text().replace("The end.", "In C:\\Temp.\n\nThe end."))
    _touch_later(module)
    second = checked_folder(folder, "mini")
    assert second is not first and second.version != first.version
    assert any("backslash" in p.message for p in second.problems)


def test_preview_and_admin_report_see_the_same_check(tmp_path: Path) -> None:
    folder = write_course(tmp_path)
    module = folder / "modules" / "01-first.md"
    module.write_text(module.read_text().replace("The end.", "In C:\\Temp.\n\nThe end."))
    _touch_later(module)
    preview_problems = CoursePreview(folder, "mini").state().problems
    report = course_report(tmp_path, "mini", pictures=False)
    assert preview_problems == checked_folder(folder, "mini").problems
    assert sorted(report.errors + report.warnings) == list(preview_problems)
    assert any("backslash" in p.message for p in preview_problems)
