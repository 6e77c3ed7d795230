"""Consent before access: invitations, accepting or declining them, leaving and removal.

A trainer who names an account (CSV import, or one address) creates a *pending invitation*:
the learner is told by mail and on their dashboard, and nothing else changes. No
:class:`CohortMember` row exists until they accept, so no trainer page (dashboard, learner page,
insight, gradebook, certificate ZIP and downloads, all of which read memberships) shows them, and
their enrolment and other cohorts are untouched. Joining by code or link stays one step
(``cohorts.services.join``): it is the learner's own act.

Leaving (the learner) and removal (a trainer, with a reason) delete the membership: the
trainer's access ends at once and the learner's work (progress, attempts, runs, certificates)
is kept. Every step is in the audit log (``cohort.invite``, ``cohort.accept``,
``cohort.decline``, ``cohort.leave``, ``cohort.remove``).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from cohorts.services import CohortError, add_member, is_member
from courses.models import Enrolment
from training import audit
from training.extensions import db
from training.links import external_url
from training.mail import send_mail
from training.models import (
    Cohort,
    CohortInvitation,
    CohortMember,
    InvitationStatus,
    User,
)
from training.timeutil import utcnow

REASON_MAX = 500


@dataclass(frozen=True)
class Invited:
    invitation: CohortInvitation
    new: bool  # False when the account was already invited and still pending


def invite(cohort: Cohort, user: User, trainer: User | None) -> Invited | None:
    """A pending invitation of ``user`` to ``cohort`` (no commit). None if already a member.

    An earlier invitation (declined, or accepted before the learner left) is asked again.
    """
    if is_member(cohort, user.id):
        return None
    invitation = db.session.execute(
        select(CohortInvitation).where(
            CohortInvitation.cohort_id == cohort.id, CohortInvitation.user_id == user.id
        )
    ).scalar_one_or_none()
    if invitation is not None and invitation.status == InvitationStatus.PENDING:
        return Invited(invitation, new=False)
    if invitation is None:
        invitation = CohortInvitation(cohort_id=cohort.id, user_id=user.id)
        db.session.add(invitation)
    invitation.status = InvitationStatus.PENDING.value
    invitation.invited_by_id = trainer.id if trainer is not None else None
    invitation.created_at = utcnow()
    invitation.responded_at = None
    audit.record(
        "cohort.invite",
        actor=trainer,
        subject_user_id=user.id,
        cohort_id=cohort.id,
        course_slug=cohort.course_slug,
    )
    return Invited(invitation, new=True)


def mail_invitation(user: User, cohort: Cohort, *, commit: bool = True) -> None:
    """Tell an existing account about its invitation (new accounts get their set-password mail,
    which says the same); with ``commit=False``, in the caller's transaction."""
    with force_locale(user.language):
        send_mail(
            user,
            _("Invitation to join “%(name)s” on Passerelle", name=cohort.name),
            _(
                "Hello %(name)s,\n\nA trainer invites you to join the group “%(cohort)s” on "
                "Passerelle. If you accept, its trainers will follow your progress in the "
                "course: your quiz answers, role-plays and certificate. Nothing is shared until "
                "you accept, and you can leave the group later.\n\nAccept or decline here:\n"
                "%(url)s",
                name=user.display_name,
                cohort=cohort.name,
                url=external_url("membership.invitations"),
            ),
            commit=commit,
        )


def pending_for(user: User) -> list[CohortInvitation]:
    """The learner's invitations still waiting for an answer, oldest first."""
    return list(
        db.session.execute(
            select(CohortInvitation)
            .join(Cohort, Cohort.id == CohortInvitation.cohort_id)
            .where(
                CohortInvitation.user_id == user.id,
                CohortInvitation.status == InvitationStatus.PENDING.value,
                Cohort.archived_at.is_(None),
            )
            .order_by(CohortInvitation.created_at, CohortInvitation.id)
        ).scalars()
    )


def pending_count(cohort: Cohort) -> int:
    """How many invitations of the cohort wait for an answer (a number, never who)."""
    return db.session.execute(
        select(func.count()).where(
            CohortInvitation.cohort_id == cohort.id,
            CohortInvitation.status == InvitationStatus.PENDING.value,
        )
    ).scalar_one()


def own_pending(user: User, invitation_id: int) -> CohortInvitation:
    invitation = db.session.get(CohortInvitation, invitation_id)
    if (
        invitation is None
        or invitation.user_id != user.id
        or invitation.status != InvitationStatus.PENDING
    ):
        raise LookupError(invitation_id)
    return invitation


def accept(user: User, invitation_id: int) -> Cohort:
    """Join the cohort of one's own pending invitation (LookupError for any other id)."""
    invitation = own_pending(user, invitation_id)
    cohort = invitation.cohort
    if cohort.archived_at is not None:
        raise CohortError(_("This cohort is closed: ask your trainer for a new code."))
    add_member(cohort, user)
    invitation.status = InvitationStatus.ACCEPTED.value
    invitation.responded_at = utcnow()
    audit.record(
        "cohort.accept",
        actor=user,
        subject_user_id=user.id,
        cohort_id=cohort.id,
        course_slug=cohort.course_slug,
    )
    try:
        db.session.commit()
    except IntegrityError:  # accepted twice at once
        db.session.rollback()
    return cohort


def decline(user: User, invitation_id: int) -> Cohort:
    invitation = own_pending(user, invitation_id)
    invitation.status = InvitationStatus.DECLINED.value
    invitation.responded_at = utcnow()
    audit.record(
        "cohort.decline",
        actor=user,
        subject_user_id=user.id,
        cohort_id=invitation.cohort_id,
        course_slug=invitation.cohort.course_slug,
    )
    db.session.commit()
    return invitation.cohort


def memberships_of(user: User) -> list[Cohort]:
    """The cohorts the learner belongs to, oldest membership first."""
    return list(
        db.session.execute(
            select(Cohort)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.user_id == user.id)
            .order_by(CohortMember.joined_at, CohortMember.id)
        ).scalars()
    )


def _end_membership(cohort: Cohort, learner_id: int) -> bool:
    """Delete the membership (no commit); the enrolment stays, without this cohort."""
    gone = db.session.execute(
        delete(CohortMember).where(
            CohortMember.cohort_id == cohort.id, CohortMember.user_id == learner_id
        )
    ).rowcount
    if not gone:
        return False
    other = db.session.execute(
        select(Cohort.id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == learner_id, Cohort.course_slug == cohort.course_slug)
        .order_by(CohortMember.joined_at.desc())
        .limit(1)
    ).scalar()
    db.session.execute(
        update(Enrolment)
        .where(
            Enrolment.user_id == learner_id,
            Enrolment.course_slug == cohort.course_slug,
            Enrolment.cohort_id == cohort.id,
        )
        .values(cohort_id=other)
    )
    return True


def leave(user: User, cohort_id: int) -> Cohort:
    """The learner leaves a cohort (LookupError if not a member)."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not _end_membership(cohort, user.id):
        raise LookupError(cohort_id)
    audit.record(
        "cohort.leave",
        actor=user,
        subject_user_id=user.id,
        cohort_id=cohort.id,
        course_slug=cohort.course_slug,
    )
    db.session.commit()
    return cohort


def remove(trainer: User, cohort: Cohort, learner_id: int, reason: str) -> None:
    """A trainer (or admin) of ``cohort`` removes a learner, with a reason kept in the audit
    log. LookupError if the learner is not a member; CohortError for a missing reason."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise CohortError(_("Give a reason: it is kept in the audit log."))
    if len(reason) > REASON_MAX:
        raise CohortError(_("The reason must be at most %(max)d characters.", max=REASON_MAX))
    if not _end_membership(cohort, learner_id):
        raise LookupError(learner_id)
    audit.record(
        "cohort.remove",
        actor=trainer,
        subject_user_id=learner_id,
        cohort_id=cohort.id,
        course_slug=cohort.course_slug,
        reason=reason,
    )
    db.session.commit()
