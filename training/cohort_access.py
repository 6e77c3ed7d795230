"""Who follows whom: a trainer follows the learners of the cohorts they train."""

from __future__ import annotations

from sqlalchemy import exists, select

from training.extensions import db
from training.models import Cohort, CohortMember, User, cohort_trainers


def trainer_follows(trainer: User, learner_id: int, course_slug: str | None = None) -> bool:
    """True for admins, and for a trainer of a cohort the learner belongs to (optionally of
    ``course_slug``)."""
    if trainer.is_admin:
        return True
    if not trainer.is_trainer:
        return False
    condition = (
        select(CohortMember.id)
        .join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(cohort_trainers, cohort_trainers.c.cohort_id == Cohort.id)
        .where(CohortMember.user_id == learner_id, cohort_trainers.c.user_id == trainer.id)
    )
    if course_slug is not None:
        condition = condition.where(Cohort.course_slug == course_slug)
    return bool(db.session.execute(select(exists(condition))).scalar())


def may_see_holder_document(viewer: object, holder_id: int, course_slug: str) -> bool:
    """Who may open a document issued to a person (certificate, block attestation): the holder,
    the trainers following the holder in that course, and admins. Anonymous viewers may not."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.id == holder_id or viewer.is_admin:
        return True
    return trainer_follows(viewer, holder_id, course_slug)


def cohorts_of_learner(learner_id: int) -> list[Cohort]:
    return list(
        db.session.execute(
            select(Cohort)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.user_id == learner_id)
            .order_by(Cohort.created_at)
        ).scalars()
    )


def has_a_trainer(learner_id: int, course_slug: str) -> bool:
    """True when the learner follows ``course_slug`` in a cohort: a trainer sees their results
    (and the "needs an extra attempt" flag)."""
    return any(c.course_slug == course_slug for c in cohorts_of_learner(learner_id))
