"""Small factories shared by the certificate tests."""

from __future__ import annotations

import io
import secrets
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from courses.models import Enrolment
from training.extensions import db
from training.models import Cohort, CohortMember


def make_cohort(trainer: Any, members: list[Any], course_slug: str = "mini") -> Cohort:
    cohort = Cohort(
        name=f"Cohort {secrets.token_hex(3)}",
        course_slug=course_slug,
        join_code=secrets.token_hex(8),
        trainers=[trainer],
    )
    db.session.add(cohort)
    db.session.flush()
    for member in members:
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=member.id))
        # Like joining: the enrolment in the course records the cohort (where work is earned).
        enrolment = db.session.execute(
            select(Enrolment).where(
                Enrolment.user_id == member.id, Enrolment.course_slug == course_slug
            )
        ).scalar_one_or_none()
        if enrolment is None:
            db.session.add(Enrolment(user_id=member.id, course_slug=course_slug))
            db.session.flush()
            enrolment = db.session.execute(
                select(Enrolment).where(
                    Enrolment.user_id == member.id, Enrolment.course_slug == course_slug
                )
            ).scalar_one()
        enrolment.cohort_id = cohort.id
    db.session.commit()
    return cohort


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def flat(text: str) -> str:
    """Extracted PDF text without line breaks or spaces (long values wrap on the page)."""
    return "".join(text.split())
