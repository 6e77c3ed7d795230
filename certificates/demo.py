"""Demo data: a graduate of the bundled course with a certificate (issued by the demo trainer
after an in-person assessment), so `make run` shows My certificates and a verification page."""

from __future__ import annotations

from certificates import services
from training import accounts
from training.demo import DEMO_LOADERS, DEMO_PASSWORD
from training.models import User

DEMO_COURSE = "cap-apm-fr"  # a French certificate: the demo learners follow the French edition
GRADUATE = ("graduate@passerelle.test", "Karim", "Karim Benali")


def load_certificate_demo(people: dict[str, User]) -> list[str]:
    """Idempotent: the graduate keeps the same certificate when ``flask demo`` runs again."""
    from courses.loader import get_course

    course = get_course(DEMO_COURSE)
    trainer = people.get("trainer")
    if course is None or trainer is None:
        return [f"Course {DEMO_COURSE!r} is not available: no demo certificate."]
    email, display, full = GRADUATE
    graduate = accounts.find_user_by_email(email)
    if graduate is None:
        graduate = accounts.create_user(
            email, display_name=display, full_name=full, password=DEMO_PASSWORD, role="learner"
        )
    certificate = services.issue(graduate, course, issued_by=trainer)
    return [
        f"Certificate for {graduate.email} ({full}): {services.verify_url(certificate.code)}",
    ]


if load_certificate_demo not in DEMO_LOADERS:
    DEMO_LOADERS.append(load_certificate_demo)
