"""Demo data for courses: the demo learners enrolled in the French edition of the bundled course
(our learners are French adults), with some progress."""

from __future__ import annotations

from courses import services
from courses.loader import get_catalogue
from training.demo import DEMO_LOADERS
from training.models import User

DEMO_COURSE = "cap-apm-fr"  # the French edition of cap-apm
# How many modules each demo learner has finished, and whether they opened the next one.
DEMO_PROGRESS = {"learner1": (3, True), "learner2": (1, True), "learner3": (0, False)}


def load_course_demo(people: dict[str, User]) -> list[str]:
    """Enrol the demo learners (idempotent: enrolment and completion are kept, not duplicated)."""
    course = get_catalogue().courses.get(DEMO_COURSE)
    if course is None:
        return [f"Course {DEMO_COURSE!r} is not available: no demo enrolments."]
    lines = [f"Enrolled in {course.title}:"]
    for key, (done, opened_next) in DEMO_PROGRESS.items():
        user = people.get(key)
        if user is None:
            continue
        services.enrol(user, course)
        for module in course.modules[:done]:
            services.mark_module_done(user, course, module.stem)
        if opened_next and done < len(course.modules):
            services.record_module_opened(user, course, course.modules[done].stem)
        lines.append(f"  {user.email}: {done} of {len(course.modules)} modules done")
    return lines


if load_course_demo not in DEMO_LOADERS:
    DEMO_LOADERS.append(load_course_demo)
