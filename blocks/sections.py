"""What the blocks feature adds to the course page: the learner's progress per block and the
block attestations (issued on demand once a block is attained)."""

from __future__ import annotations

from typing import Any

from blocks.issuing import attestations_of
from certificates.progress_data import progress_for
from courses.sections import Section, register_course_section
from training.forms import EmptyForm

COURSE_SECTION_ORDER = 85  # just before the certificate (90)


def course_section(user: Any, course: Any) -> Section | None:
    if not course.blocks or user is None or not getattr(user, "is_authenticated", False):
        return None
    from courses.services import is_enrolled

    if not is_enrolled(user.id, course.slug):
        return None
    return Section(
        "blocks/_course_section.html",
        {
            "progress": progress_for(user.id, course),
            "attestations": attestations_of(user.id, course.slug),
            "issue_form": EmptyForm(),
            "course": course,
        },
        COURSE_SECTION_ORDER,
    )


def register() -> None:
    """Idempotent; called when the blocks blueprint is imported."""
    register_course_section(course_section)
