"""Issuing a certificate, once: a frozen snapshot, its PDF rendered once, and the audit event.

A certificate records the cohort it was earned in (``cohort_id``: the cohort of the learner's
enrolment in the course at issue time, if any): only that cohort's trainers, and admins, may
later revoke or reissue it (:mod:`certificates.revocation`).
"""

from __future__ import annotations

import base64
import logging
import secrets
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from certificates import completion
from certificates.errors import NotAllowed
from certificates.models import AuditAction, Certificate, Status, current_key
from certificates.pdf import CertificateSnapshot, EmbeddedFile, render_certificate_pdf, sha256_hex
from certificates.verification import find_current
from courses.models import Enrolment
from credentials import services as credentials
from training import audit
from training.extensions import db
from training.models import CohortMember, User
from training.signals import activity_completed, certificate_issued
from training.text_safety import fit_to_fonts, printable
from training.timeutil import utcnow

log = logging.getLogger(__name__)

CLI_ACTOR = audit.CLI_ACTOR
SYSTEM_ACTOR = audit.SYSTEM_ACTOR
#: 20 random bytes (160 bits) written in lower-case base32: no ``-`` or ``_`` a command line
#: could mistake for an option, no ambiguous case when typed from paper.
CODE_BYTES = 20

#: Printed labels of French certificates (the certificate speaks its course's language).
FRENCH_LABELS = {
    "lang": "fr",
    "certifies": "Il est certifié que",
    "completed": "a suivi avec succès la formation",
    "hours": "Durée",
    "hours_value": "{hours} heures",
    "completed_on": "Terminée le",
    "score": "Résultat global",
    "score_value": "{score}\u00a0%",
    "modules": "Modules suivis",
    "modules_annex": "{count}\u00a0modules, liste en page\u00a02",
    "competencies": "Compétences évaluées",
    "issued_by": "Délivré par",
    "code": "Certificat n°",
    "verify": "Vérifier ce certificat sur",
    "decimal": ",",
}

COMPETENCY_NAMES = {
    "en": {
        "listening": "Active listening",
        "neutrality": "Neutrality",
        "de_escalation": "De-escalation",
        "safety": "Safety",
        "law": "Legal framework",
        "referral": "Referral",
    },
    "fr": {
        "listening": "Écoute active",
        "neutrality": "Neutralité",
        "de_escalation": "Désescalade",
        "safety": "Sécurité",
        "law": "Cadre légal",
        "referral": "Orientation",
    },
}


def new_code() -> str:
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii").rstrip("=").lower()


def verify_url(code: str, app: Flask | None = None) -> str:
    app = app or current_app
    return f"{app.config['BASE_URL'].rstrip('/')}/verify/{code}"


def labels_for(language: str) -> dict[str, str] | None:
    return FRENCH_LABELS if language == "fr" else None


def competency_name(key: str, language: str) -> str:
    names = COMPETENCY_NAMES.get(language, COMPETENCY_NAMES["en"])
    return names.get(key) or key.replace("_", " ").capitalize()


def render_snapshot(
    snapshot: CertificateSnapshot,
    language: str,
    credential: credentials.PreparedCredential | None = None,
) -> bytes:
    """The PDF of a snapshot, with the organisation and PDF/A setting from the configuration
    and the signed credential, if any, embedded (a PDF/A-3 associated file)."""
    config = current_app.config
    return render_certificate_pdf(
        snapshot,
        verify_url(snapshot.code),
        config["ORGANISATION_NAME"],
        config.get("ORGANISATION_LOGO") or None,
        pdfa=bool(config.get("CERTIFICATE_PDFA", True)),
        labels=labels_for(language),
        attachments=[_embedded(credential)] if credential is not None else [],
    )


def _embedded(credential: credentials.PreparedCredential) -> EmbeddedFile:
    return EmbeddedFile(
        name=credentials.EMBEDDED_NAME,
        data=credential.jwt.encode("ascii"),
        media_type=credentials.MEDIA_TYPE,
        description="Open Badges 3.0 verifiable credential of this certificate (VC-JWT)",
    )


def snapshot_for(
    user: User,
    course: Any,
    code: str,
    completed_on: date,
    score: float | None,
    issued_at: datetime,
) -> CertificateSnapshot:
    """Freeze what the certificate prints, from the user and the course as they are now."""
    language = getattr(course, "language", "en")
    required = set(course.completion.roleplays)
    competencies: list[str] = []
    for scenario in course.roleplays:
        if scenario.slug not in required:
            continue
        for key in scenario.competencies:
            name = competency_name(key, language)
            if name not in competencies:
                competencies.append(name)
    return CertificateSnapshot(
        code=code,
        holder_name=printed_name(user),
        course_title=course.title,
        course_slug=course.slug,
        hours=float(course.hours),
        completed_on=completed_on,
        score_percent=score,
        modules=[module.title for module in course.modules],
        competencies=competencies,
        issuer=course.certificate.issuer,
        signatory=course.certificate.signatory,
        certificate_title=course.certificate.title,
        issued_at=issued_at,
    )


def printed_name(user: User) -> str:
    """The holder name as a certificate prints it (see training.text_safety)."""
    return fit_to_fonts(printable(user.full_name))


def cohort_earned_in(user_id: int, course_slug: str) -> int | None:
    """The cohort of the learner's enrolment in the course, if they are still a member of it."""
    return db.session.execute(
        select(Enrolment.cohort_id)
        .join(
            CohortMember,
            (CohortMember.cohort_id == Enrolment.cohort_id)
            & (CohortMember.user_id == Enrolment.user_id),
        )
        .where(Enrolment.user_id == user_id, Enrolment.course_slug == course_slug)
    ).scalar()


def _certificate_from(
    snapshot: CertificateSnapshot,
    user_id: int,
    language: str,
    pdf: bytes,
    cohort_id: int | None = None,
) -> Certificate:
    return Certificate(
        code=snapshot.code,
        user_id=user_id,
        cohort_id=cohort_id,
        course_slug=snapshot.course_slug,
        status=Status.VALID.value,
        current_key=current_key(user_id, snapshot.course_slug),
        holder_name=snapshot.holder_name,
        course_title=snapshot.course_title,
        hours=snapshot.hours,
        completed_on=snapshot.completed_on,
        score_percent=snapshot.score_percent,
        modules=list(snapshot.modules),
        competencies=list(snapshot.competencies),
        issuer=snapshot.issuer,
        signatory=snapshot.signatory,
        certificate_title=snapshot.certificate_title,
        language=language,
        issued_at=snapshot.issued_at,
        pdf=pdf,
        pdf_sha256=sha256_hex(pdf),
        pdf_size=len(pdf),
    )


def _audit(
    action: AuditAction,
    certificate: Certificate,
    actor: User | None,
    actor_label: str | None = None,
    **detail: Any,
) -> None:
    if certificate.id is None:
        db.session.flush()  # the event names the certificate by id
    audit.record(
        action.value,
        actor=actor,
        actor_label=actor_label or SYSTEM_ACTOR,
        subject_user_id=certificate.user_id,
        certificate_id=certificate.id,
        course_slug=certificate.course_slug,
        reason=detail.pop("reason", None),
        **detail,
    )


def _now() -> datetime:
    # Whole seconds: what the PDF metadata holds, so the snapshot round-trips exactly.
    return utcnow().replace(microsecond=0)


def issue(
    user: User,
    course: Any,
    issued_by: User | None = None,
    completed_on: date | None = None,
    *,
    overall_score: float | None = None,
    actor_label: str | None = None,
) -> Certificate:
    """Issue the learner's certificate for ``course`` now, whatever their completion.

    Used directly for a learner assessed in person (``issued_by`` a trainer or admin, or the
    command line) and by :func:`issue_if_eligible`. Returns the current certificate if there is
    one already. The PDF is rendered once, before the transaction; if another request issued
    meanwhile, the UNIQUE ``current_key`` refuses our row and theirs is returned.
    """
    if issued_by is not None and not issued_by.is_trainer:
        raise NotAllowed("only a trainer or an administrator issues certificates")
    existing = find_current(user.id, course.slug)
    if existing is not None:
        return existing
    issued_at = _now()
    language = getattr(course, "language", "en")
    snapshot = snapshot_for(
        user, course, new_code(), completed_on or issued_at.date(), overall_score, issued_at
    )
    credential = credentials.prepare_for_certificate(snapshot, user.email, course, language)
    pdf = render_snapshot(snapshot, language, credential)
    certificate = _certificate_from(
        snapshot, user.id, language, pdf, cohort_earned_in(user.id, course.slug)
    )
    certificate.issued_by_id = issued_by.id if issued_by is not None else None
    try:
        db.session.add(certificate)
        _audit(
            AuditAction.ISSUE,
            certificate,
            issued_by,
            actor_label,
            holder=user.full_name,
            course=course.slug,
            score=overall_score,
            cohort=certificate.cohort_id,
        )
        if credential is not None:
            credentials.record(credential, certificate.id)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = find_current(user.id, course.slug)
        if existing is None:
            raise
        return existing
    log.info("certificate %s issued to user %s for %s", certificate.code, user.id, course.slug)
    certificate_issued.send(current_app._get_current_object(), certificate=certificate)
    return certificate


def issue_if_eligible(user: User, course: Any) -> Certificate | None:
    """Issue the certificate once the course's completion rules hold.

    Returns the current certificate (new or existing), or ``None`` when the rules do not hold
    yet, or when the learner's certificate for this course was revoked: a revoked certificate is
    never replaced automatically, only by a trainer (``flask certificates issue``).
    """
    existing = find_current(user.id, course.slug)
    if existing is not None:
        return existing
    had_one = db.session.execute(
        select(Certificate.id)
        .where(Certificate.user_id == user.id, Certificate.course_slug == course.slug)
        .limit(1)
    ).scalar()
    if had_one is not None:
        return None
    status = completion.evaluate(user, course)
    if not status.complete:
        return None
    return issue(user, course, overall_score=status.overall_score, actor_label=SYSTEM_ACTOR)


def _on_activity_completed(sender: Any, user: User | None = None, course_slug: str = "") -> None:
    """After a graded quiz or a role-play ending: issue if the course is now complete.

    A failure here must not lose the learner's result, which the sender has already committed:
    it is logged, and the next activity (or a trainer) issues the certificate.
    """
    if user is None or not course_slug:
        return
    from courses.loader import get_course

    course = get_course(course_slug)
    if course is None:
        return
    try:
        issue_if_eligible(user, course)
    except Exception:
        db.session.rollback()
        log.exception("could not issue the certificate of user %s for %s", user.id, course_slug)


def connect_signals() -> None:
    """Listen to ``activity_completed`` (idempotent; called when the blueprint is imported)."""
    activity_completed.connect(_on_activity_completed)


connect_signals()
