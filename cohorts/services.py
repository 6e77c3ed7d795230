"""Cohort use cases: create, edit, archive, join codes, joining, membership.

Plain functions taking the acting user; they check the rules, write and commit. Access is one
rule, applied everywhere through ``cohort_for``: admins see every cohort, a trainer only the
cohorts they train, anybody else none (the views turn ``None`` into a 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cohorts.codes import new_join_code, normalise_code
from courses import services as course_services
from courses.loader import get_catalogue, get_course
from courses.models import Enrolment
from training.accounts import normalise_email
from training.extensions import db
from training.models import Cohort, CohortMember, User, cohort_trainers
from training.timeutil import utcnow


class CohortError(ValueError):
    """A rule was broken; the message is safe to show."""


@dataclass(frozen=True)
class CohortFields:
    name: str
    course_slug: str
    starts_on: date | None
    ends_on: date | None
    description: str = ""
    co_trainer_emails: tuple[str, ...] = ()


# Reading -------------------------------------------------------------------------------


def visible_cohorts(user: User, *, archived: bool = False) -> list[Cohort]:
    """The cohorts ``user`` may manage, newest first (archived ones only when asked)."""
    if not user.is_trainer:
        return []
    statement = select(Cohort).order_by(Cohort.created_at.desc(), Cohort.id.desc())
    if not user.is_admin:
        statement = statement.join(cohort_trainers, cohort_trainers.c.cohort_id == Cohort.id).where(
            cohort_trainers.c.user_id == user.id
        )
    if archived:
        statement = statement.where(Cohort.archived_at.is_not(None))
    else:
        statement = statement.where(Cohort.archived_at.is_(None))
    return list(db.session.execute(statement).scalars())


def member_counts(cohort_ids: list[int]) -> dict[int, int]:
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        select(CohortMember.cohort_id, func.count())
        .where(CohortMember.cohort_id.in_(cohort_ids))
        .group_by(CohortMember.cohort_id)
    )
    return {cohort_id: count for cohort_id, count in rows}


def cohort_for(user: User, cohort_id: int) -> Cohort | None:
    """The cohort if ``user`` may manage it, else None (unknown and forbidden look the same)."""
    if not user.is_authenticated or not user.is_trainer:
        return None
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        return None
    if user.is_admin or any(t.id == user.id for t in cohort.trainers):
        return cohort
    return None


def cohort_or_none(cohort_id: int) -> Cohort | None:
    """The cohort by id, whoever asks (for the learner's own pages: membership is checked
    there)."""
    return db.session.get(Cohort, cohort_id)


def cohort_by_code(code: str) -> Cohort | None:
    normalised = normalise_code(code)
    if not normalised:
        return None
    return db.session.execute(
        select(Cohort).where(Cohort.join_code == normalised)
    ).scalar_one_or_none()


def is_member(cohort: Cohort, user_id: int) -> bool:
    return (
        db.session.execute(
            select(CohortMember.id).where(
                CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id
            )
        ).first()
        is not None
    )


def course_choices() -> list[tuple[str, str]]:
    courses = get_catalogue().courses
    return sorted(((slug, c.title) for slug, c in courses.items()), key=lambda p: p[1].lower())


def trainer_accounts() -> list[User]:
    return list(
        db.session.execute(
            select(User).where(User.role.in_(("trainer", "admin"))).order_by(User.email)
        ).scalars()
    )


# Writing -------------------------------------------------------------------------------


def _check_fields(fields: CohortFields) -> list[User]:
    if not fields.name.strip():
        raise CohortError(_("A cohort needs a name."))
    if get_course(fields.course_slug) is None:
        raise CohortError(_("This course is not in the catalogue."))
    if fields.starts_on and fields.ends_on and fields.ends_on < fields.starts_on:
        raise CohortError(_("The end date comes before the start date."))
    co_trainers: list[User] = []
    for raw in fields.co_trainer_emails:
        email = normalise_email(raw)
        if not email:
            continue
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if user is None or not user.is_trainer:
            raise CohortError(_("%(email)s is not a trainer account.", email=email))
        if user not in co_trainers:
            co_trainers.append(user)
    return co_trainers


def _unique_code() -> str:
    for _attempt in range(20):
        code = new_join_code()
        taken = db.session.execute(select(Cohort.id).where(Cohort.join_code == code)).first()
        if taken is None:
            return code
    raise RuntimeError("could not find a free join code")  # pragma: no cover - 25**8 codes


def create_cohort(trainer: User, fields: CohortFields) -> Cohort:
    """A new cohort trained by ``trainer`` and the co-trainers named by email."""
    if not trainer.is_trainer:
        raise CohortError(_("Only trainers can create cohorts."))
    co_trainers = _check_fields(fields)
    cohort = Cohort(
        name=fields.name.strip(),
        course_slug=fields.course_slug,
        starts_on=fields.starts_on,
        ends_on=fields.ends_on,
        description=fields.description.strip(),
        join_code=_unique_code(),
        created_by_id=trainer.id,
    )
    cohort.trainers = [trainer] + [t for t in co_trainers if t.id != trainer.id]
    db.session.add(cohort)
    db.session.commit()
    return cohort


def update_cohort(trainer: User, cohort: Cohort, fields: CohortFields) -> Cohort:
    """Edit name, dates, description and co-trainers. The acting trainer stays a trainer of it
    (an admin who does not train it is not added). The course cannot change once learners
    have joined: their progress belongs to the old course."""
    co_trainers = _check_fields(fields)
    if fields.course_slug != cohort.course_slug and cohort.members:
        raise CohortError(_("The course cannot change once learners have joined."))
    cohort.name = fields.name.strip()
    cohort.course_slug = fields.course_slug
    cohort.starts_on = fields.starts_on
    cohort.ends_on = fields.ends_on
    cohort.description = fields.description.strip()
    keep = [trainer] if any(t.id == trainer.id for t in cohort.trainers) else []
    cohort.trainers = keep + [t for t in co_trainers if t.id != trainer.id]
    if not cohort.trainers:
        raise CohortError(_("A cohort needs at least one trainer."))
    db.session.commit()
    return cohort


def set_archived(cohort: Cohort, archived: bool) -> None:
    """Archived cohorts leave the list and cannot be joined; nothing is deleted."""
    cohort.archived_at = utcnow() if archived else None
    db.session.commit()


def regenerate_code(cohort: Cohort) -> str:
    """A new join code; the old code and link stop working at once."""
    cohort.join_code = _unique_code()
    db.session.commit()
    return cohort.join_code


@dataclass(frozen=True)
class JoinResult:
    cohort: Cohort
    already_member: bool


def add_member(cohort: Cohort, user: User) -> bool:
    """Add ``user`` to the cohort and enrol them on its course (no commit). True if new."""
    member = db.session.execute(
        select(CohortMember).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id
        )
    ).scalar_one_or_none()
    enrolment = db.session.execute(
        select(Enrolment).where(
            Enrolment.user_id == user.id, Enrolment.course_slug == cohort.course_slug
        )
    ).scalar_one_or_none()
    if enrolment is None:
        db.session.add(
            Enrolment(user_id=user.id, course_slug=cohort.course_slug, cohort_id=cohort.id)
        )
    else:
        enrolment.cohort_id = cohort.id
    if member is not None:
        return False
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id))
    return True


def join(user: User, cohort: Cohort) -> JoinResult:
    """Join by code or link: membership plus enrolment on the cohort's course (idempotent)."""
    if cohort.archived_at is not None:
        raise CohortError(_("This cohort is closed: ask your trainer for a new code."))
    course = get_course(cohort.course_slug)
    if course is None:
        raise CohortError(_("This cohort's course is not available at the moment."))
    course_services.enrol(user, course, cohort_id=cohort.id)
    try:
        added = add_member(cohort, user)
        db.session.commit()
    except IntegrityError:  # the same learner clicked twice at once
        db.session.rollback()
        added = False
    return JoinResult(cohort=cohort, already_member=not added)
