"""`flask demo` enrols the demo learners in the bundled course with some progress, once."""

from __future__ import annotations

from courses import services
from courses.demo import DEMO_COURSE, load_course_demo
from courses.loader import get_course
from courses.models import Enrolment, ModuleProgress
from training.demo import DEMO_LOADERS, ensure_demo_users
from training.extensions import db


def test_demo_enrolments_are_idempotent(app):
    assert load_course_demo in DEMO_LOADERS
    people = ensure_demo_users()
    load_course_demo(people)
    counts = (db.session.query(Enrolment).count(), db.session.query(ModuleProgress).count())
    load_course_demo(people)
    assert (db.session.query(Enrolment).count(), db.session.query(ModuleProgress).count()) == (
        counts
    )
    course = get_course(DEMO_COURSE)
    assert course.language == "fr"  # the French edition of the bundled course
    amina = people["learner1"]
    assert services.is_enrolled(amina.id, DEMO_COURSE)
    assert services.course_progress(amina, course).done_count == 3
    assert services.resume_target(amina, course).index == 4
