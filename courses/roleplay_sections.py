"""The course page's "Role-plays" section: each scenario with the learner's best score."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from courses.roleplay import Scenario
from courses.sections import Section, register_course_section


@dataclass(frozen=True)
class RoleplayRow:
    scenario: Scenario
    best: float | None  # best percent over finished runs, None when never finished
    required: bool  # counts toward the certificate
    meets: bool  # best >= the course's roleplay_min_score


def course_roleplays(user: Any, course: Any) -> Section | None:
    """Section provider: None for a course without role-plays or for someone who cannot play
    them (the course page then lists the scenarios without links)."""
    if not course.roleplays or not getattr(user, "is_authenticated", False):
        return None
    from courses.roleplay_services import best_scores
    from courses.services import can_read

    if not can_read(user, course):
        return None

    best = best_scores(user.id, course.slug)
    minimum = course.completion.roleplay_min_score
    rows = [
        RoleplayRow(
            scenario=scenario,
            best=best.get(scenario.slug),
            required=scenario.slug in course.completion.roleplays,
            meets=best.get(scenario.slug, -1.0) >= minimum,
        )
        for scenario in course.roleplays
    ]
    return Section(
        template="roleplays/_course_section.html",
        context={"roleplay_rows": rows, "roleplay_min_score": minimum, "course": course},
        order=40,
    )


register_course_section(course_roleplays)
