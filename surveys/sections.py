"""What the placement test and the survey add to the course page: an invitation to take the
positioning test (until taken) and, at the end of the course, to answer the survey."""

from __future__ import annotations

from typing import Any

from courses.sections import Section, register_course_section
from surveys import placement, services

SECTION_ORDER = 5  # before the quizzes, blocks and certificate


def course_section(user: Any, course: Any) -> Section | None:
    if course.placement is None and course.survey is None:
        return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    from courses.services import is_enrolled

    if not is_enrolled(user.id, course.slug):
        return None
    show_placement = course.placement is not None and not placement.placement_taken(
        user.id, course.slug
    )
    survey_open = services.may_answer(user, course)
    answered = course.survey is not None and services.has_answered(user.id, course.slug)
    if not (show_placement or survey_open or answered):
        return None
    return Section(
        "surveys/_course_section.html",
        {
            "course": course,
            "show_placement": show_placement,
            "survey_open": survey_open,
            "answered": answered,
        },
        SECTION_ORDER,
    )


def register() -> None:
    register_course_section(course_section)
