"""Revoking and reissuing certificates, and who may: the cohort a certificate was earned in.

Only admins, and the trainers of the certificate's cohort (``Certificate.cohort_id``) while the
holder is still a member of it, may revoke or reissue a certificate; the holder may reissue their
own after a name change; the command line (actor ``None``) may do both. A certificate earned
outside any cohort is an admin's matter. Anyone else gets :class:`NotAllowed` (a 404).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from certificates.errors import CertificateError, NotAllowed
from certificates.issuing import (
    CLI_ACTOR,
    _audit,
    _certificate_from,
    _now,
    new_code,
    printed_name,
    render_snapshot,
)
from certificates.models import AuditAction, Certificate, Status
from certificates.verification import certificates_of
from credentials import services as credentials
from training.extensions import db
from training.models import CohortMember, User, cohort_trainers
from training.timeutil import utcnow

REASON_MAX = 500


def trains_its_cohort(viewer: Any, certificate: Certificate) -> bool:
    """True for a trainer of the certificate's cohort, while the holder is still in it."""
    if certificate.cohort_id is None or not getattr(viewer, "is_trainer", False):
        return False
    trains = select(cohort_trainers.c.user_id).where(
        cohort_trainers.c.cohort_id == certificate.cohort_id,
        cohort_trainers.c.user_id == viewer.id,
    )
    member = select(CohortMember.id).where(
        CohortMember.cohort_id == certificate.cohort_id,
        CohortMember.user_id == certificate.user_id,
    )
    return bool(db.session.execute(select(exists(trains) & exists(member))).scalar())


def may_act_on(viewer: Any, certificate: Certificate) -> bool:
    """Admins, and the trainers of the cohort the certificate was earned in."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    return bool(viewer.is_admin) or trains_its_cohort(viewer, certificate)


def can_revoke(viewer: Any, certificate: Certificate) -> bool:
    """Who sees the revoke form: :func:`may_act_on`, for a certificate not yet revoked."""
    return certificate.status != Status.REVOKED and may_act_on(viewer, certificate)


def reissue_for_name_change(
    user: User, actor: User | None, course_slug: str | None = None
) -> list[Certificate]:
    """Reissue the user's current certificates whose printed name differs from their full name.

    Each new certificate keeps the old one's snapshot (course title, hours, completion date,
    score, cohort…) with the new name, a new code and a new PDF; the old one becomes
    ``superseded`` and points to it. The holder, admins and the command line reissue all of
    them; a trainer only those earned in a cohort they train (NotAllowed if none is).
    """
    everyone = actor is None or actor.id == user.id or actor.is_admin
    name = printed_name(user)
    candidates = [
        old
        for old in certificates_of(user.id)
        if old.status == Status.VALID
        and old.holder_name != name
        and (course_slug is None or old.course_slug == course_slug)
    ]
    if not everyone:
        candidates = [old for old in candidates if trains_its_cohort(actor, old)]
        if not candidates and not any(
            trains_its_cohort(actor, c) for c in certificates_of(user.id)
        ):
            raise NotAllowed("not allowed to reissue this learner's certificates")
    reissued: list[Certificate] = []
    for old in candidates:
        new = _reissue_one(old, user, actor)
        if new is not None:
            reissued.append(new)
    return reissued


def _course_or_none(slug: str) -> Any | None:
    from courses.loader import get_course

    return get_course(slug)


def _reissue_one(old: Certificate, user: User, actor: User | None) -> Certificate | None:
    """Supersede ``old`` by a copy carrying the user's current name, in one transaction.

    ``None`` if ``old`` stopped being current meanwhile (revoked or reissued by a simultaneous
    request): the conditional UPDATE or the UNIQUE ``current_key`` lets only one of them win.
    """
    issued_at = _now()
    snapshot = replace(
        old.snapshot(), code=new_code(), holder_name=printed_name(user), issued_at=issued_at
    )
    credential = credentials.prepare_for_certificate(
        snapshot, user.email, _course_or_none(old.course_slug), old.language, old.id
    )
    pdf = render_snapshot(snapshot, old.language, credential)
    old_id, old_code, old_name = old.id, old.code, old.holder_name
    try:
        changed = db.session.execute(
            update(Certificate)
            .where(Certificate.id == old_id, Certificate.status == Status.VALID.value)
            .values(status=Status.SUPERSEDED.value, current_key=None, superseded_at=issued_at)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            db.session.rollback()
            return None
        credentials.revoke_for_certificate(old_id, issued_at)  # the old credential's bit
        new = _certificate_from(snapshot, user.id, old.language, pdf, old.cohort_id)
        new.issued_by_id = actor.id if actor is not None else None
        new.replaces_id = old_id
        db.session.add(new)
        db.session.flush()
        if credential is not None:
            credentials.record(credential, new.id)
        db.session.execute(
            update(Certificate)
            .where(Certificate.id == old_id)
            .values(superseded_by_id=new.id)
            .execution_options(synchronize_session=False)
        )
        _audit(
            AuditAction.REISSUE,
            new,
            actor,
            CLI_ACTOR,
            replaces=old_code,
            old_name=old_name,
            new_name=snapshot.holder_name,
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    db.session.expire(old)
    return new


def revoke(certificate: Certificate, actor: User | None, reason: str) -> Certificate:
    """Revoke a certificate with a reason. ``actor`` ``None`` is the command line.

    Allowed to admins and to the trainers of the cohort it was earned in (:func:`may_act_on`).
    Nothing is deleted: the certificate stays, marked revoked, and its verification page says
    so.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("a reason is required to revoke a certificate")
    if len(reason) > REASON_MAX:
        raise CertificateError(f"the reason must be at most {REASON_MAX} characters")
    if actor is not None and not may_act_on(actor, certificate):
        raise NotAllowed("not allowed to revoke this certificate")
    if certificate.status == Status.REVOKED:
        raise CertificateError("this certificate is already revoked")
    previous = certificate.status
    now = utcnow()
    # Conditional UPDATE: of two simultaneous revocations, only one takes effect.
    changed = db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate.id, Certificate.status != Status.REVOKED.value)
        .values(
            status=Status.REVOKED.value,
            current_key=None,
            revoked_at=now,
            revoked_by_id=actor.id if actor is not None else None,
            revoke_reason=reason,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise CertificateError("this certificate is already revoked")
    credentials.revoke_for_certificate(certificate.id, now)  # its status-list bit
    _audit(AuditAction.REVOKE, certificate, actor, CLI_ACTOR, reason=reason, previous=previous)
    db.session.commit()
    db.session.refresh(certificate)
    return certificate
