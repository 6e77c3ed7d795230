"""What the certificates feature adds to the course page and the learner dashboard: the
completion checklist (done / still missing) and the certificate link once issued."""

from __future__ import annotations

from typing import Any

from certificates import completion, services
from certificates.progress import Progress
from certificates.progress_data import progress_for
from courses.sections import (
    Section,
    register_course_section,
    register_dashboard_section,
    register_progress_provider,
)

COURSE_SECTION_ORDER = 90
DASHBOARD_SECTION_ORDER = 20


def course_section(user: Any, course: Any) -> Section | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    from courses.services import is_enrolled

    if not is_enrolled(user.id, course.slug):
        return None
    return Section(
        "certificates/_course_section.html",
        {
            "completion_status": completion.evaluate(user, course),
            "certificate": services.find_current(user.id, course.slug),
            "course": course,
        },
        COURSE_SECTION_ORDER,
    )


def dashboard_section(user: Any) -> Section | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    from courses.services import enrolled_courses

    rows = [
        (course, completion.evaluate(user, course), services.find_current(user.id, course.slug))
        for course in enrolled_courses(user)
    ]
    if not rows:
        return None
    return Section("certificates/_dashboard_section.html", {"rows": rows}, DASHBOARD_SECTION_ORDER)


def learner_progress(user: Any, course: Any) -> Progress:
    """The progress provider the course pages use (the same service as the certificate)."""
    return progress_for(user.id, course)


def register() -> None:
    """Idempotent; called when the certificates blueprint is imported."""
    register_course_section(course_section)
    register_dashboard_section(dashboard_section)
    register_progress_provider(learner_progress)
