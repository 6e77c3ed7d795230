"""The course page's "Role-plays" section: each scenario with where the learner stands in it
(from the one progress service: passed, best score, why a run did not pass)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from courses.roleplay import Scenario
from courses.sections import Section, progress_of, register_course_section


@dataclass(frozen=True)
class RoleplayRow:
    scenario: Scenario
    best: float | None  # the score that counts (best passing run, else best run), None if none
    required: bool  # counts toward the certificate
    meets: bool  # a run passed (or the trainer excused it)
    why_not: str | None = None  # "critical" | "outcome" | "score" for the best run not passing
    excused: bool = False


def course_roleplays(user: Any, course: Any) -> Section | None:
    """Section provider: None for a course without role-plays or for someone who cannot play
    them (the course page then lists the scenarios without links)."""
    if not course.roleplays or not getattr(user, "is_authenticated", False):
        return None
    from courses.services import can_read

    if not can_read(user, course):
        return None
    progress = progress_of(user, course)
    rows = []
    for scenario in course.roleplays:
        item = progress.item("roleplay", scenario.slug) if progress is not None else None
        rows.append(
            RoleplayRow(
                scenario=scenario,
                best=item.score if item else None,
                required=scenario.slug in course.completion.roleplays,
                meets=bool(item and item.met),
                why_not=item.why_not if item else None,
                excused=bool(item and item.excused),
            )
        )
    return Section(
        template="roleplays/_course_section.html",
        context={
            "roleplay_rows": rows,
            "roleplay_min_score": course.completion.roleplay_min_score,
            "course": course,
        },
        order=40,
    )


register_course_section(course_roleplays)
