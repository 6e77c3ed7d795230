"""Moving a learner from one edition of a course to another (courses.editions), saying what
carries over.

A learner follows one edition at a time. Switching (only a learner who enrolled themself: a
cohort names one edition and its trainer follows that one) ends the enrolment in the old
edition and enrols in the new one; what carries over is decided here and shown on the confirm
page before anything changes:

- **carries over**: the reading progress (modules opened and marked as done), because the
  editions have the same modules (the parity checker sees to it);
- **does not carry over**: quiz attempts and role-play runs, graded on the old edition's text;
  they stay on record in the old edition (and come back if the learner switches back), and the
  new edition's quizzes and role-plays start afresh;
- a certificate already earned stays valid, in the language it was printed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select

from courses import services
from courses.catalogue import Course
from courses.editions import editions_of
from courses.loader import get_catalogue
from courses.models import Enrolment, ModuleProgress
from courses.roleplay_models import RoleplayRun
from quizzes.models import SUBMITTED, Attempt
from training.extensions import db


class SwitchRefused(Exception):
    """The learner cannot switch to this edition (the reason is in ``args[0]``)."""


@dataclass(frozen=True)
class SwitchPlan:
    """What switching from ``current`` to ``target`` keeps and leaves behind, before doing it."""

    current: Course
    target: Course
    modules_done: tuple[str, ...]  # titles in the target edition, carried over
    modules_opened: int  # opened, not done, carried over
    quiz_attempts: int  # left behind in the current edition
    roleplay_runs: int  # left behind in the current edition
    certificates: int  # earned in the current edition, still valid


def current_edition(user: Any, target: Course) -> Course | None:
    """The other edition of ``target`` that ``user`` is enrolled in (None when none)."""
    courses = get_catalogue().courses.values()
    for course in editions_of(target, courses):
        if course.slug != target.slug and services.is_enrolled(user.id, course.slug):
            return course
    return None


def plan_switch(user: Any, target: Course) -> SwitchPlan:
    """What a switch to ``target`` would do; raises SwitchRefused when it is not possible."""
    current = current_edition(user, target)
    if current is None:
        raise SwitchRefused("not-enrolled-in-another-edition")
    enrolment = services.get_enrolment(user.id, current.slug)
    if enrolment is not None and enrolment.cohort_id is not None:
        raise SwitchRefused("cohort")
    rows = _progress(user.id, current.slug)
    done = [r.module_stem for r in rows if r.completed_at is not None]
    opened = [r for r in rows if r.completed_at is None and target.module(r.module_stem)]
    return SwitchPlan(
        current=current,
        target=target,
        modules_done=tuple(m.title for m in target.modules if m.stem in done),
        modules_opened=len(opened),
        quiz_attempts=_count(Attempt, user.id, current.slug, Attempt.status == SUBMITTED),
        roleplay_runs=_count(RoleplayRun, user.id, current.slug),
        certificates=_certificates(user.id, current.slug),
    )


def switch_edition(user: Any, target: Course) -> SwitchPlan:
    """Do the switch that ``plan_switch`` describes, in one transaction; returns the plan."""
    plan = plan_switch(user, target)
    existing = {r.module_stem: r for r in _progress(user.id, target.slug)}
    for row in _progress(user.id, plan.current.slug):
        if target.module(row.module_stem) is None:
            continue
        mine = existing.get(row.module_stem)
        if mine is None:
            db.session.add(
                ModuleProgress(
                    user_id=user.id,
                    course_slug=target.slug,
                    module_stem=row.module_stem,
                    first_opened_at=row.first_opened_at,
                    last_opened_at=row.last_opened_at,
                    completed_at=row.completed_at,
                )
            )
        elif mine.completed_at is None and row.completed_at is not None:
            mine.completed_at = row.completed_at
    db.session.execute(
        delete(Enrolment).where(
            Enrolment.user_id == user.id, Enrolment.course_slug == plan.current.slug
        )
    )
    db.session.add(Enrolment(user_id=user.id, course_slug=target.slug))
    db.session.commit()
    return plan


def _progress(user_id: int, slug: str) -> list[ModuleProgress]:
    return list(
        db.session.execute(
            select(ModuleProgress).where(
                ModuleProgress.user_id == user_id, ModuleProgress.course_slug == slug
            )
        ).scalars()
    )


def _count(model: Any, user_id: int, slug: str, *where: Any) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(model)
        .where(model.user_id == user_id, model.course_slug == slug, *where)
    ).scalar_one()


def _certificates(user_id: int, slug: str) -> int:
    from certificates.models import Certificate, Status  # certificates depend on courses

    return _count(Certificate, user_id, slug, Certificate.status == Status.VALID.value)
