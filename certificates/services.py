"""Certificate use cases: issue (once), reissue after a name correction, revoke, verify, serve.

Each function takes the acting user (``None`` for the command line) and commits its own work.
Access rules live here, not in the views: a view turns :class:`NotAllowed` and a missing
certificate into the same 404, so nobody learns that a code exists.
"""

from __future__ import annotations

import base64
import io
import logging
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from certificates import completion
from certificates.models import AuditAction, Certificate, Status, current_key
from certificates.pdf import CertificateSnapshot, EmbeddedFile, render_certificate_pdf, sha256_hex
from credentials import services as credentials
from training import audit
from training.audit import AuditEvent
from training.cohort_access import trainer_follows
from training.extensions import db
from training.models import Cohort, CohortMember, User
from training.signals import activity_completed, certificate_issued
from training.timeutil import utcnow

log = logging.getLogger(__name__)

CLI_ACTOR = audit.CLI_ACTOR
SYSTEM_ACTOR = audit.SYSTEM_ACTOR
#: 20 random bytes (160 bits) written in lower-case base32: no ``-`` or ``_`` a command line
#: could mistake for an option, no ambiguous case when typed from paper.
CODE_BYTES = 20
REASON_MAX = 500

#: Printed labels of French certificates (the certificate speaks its course's language).
FRENCH_LABELS = {
    "lang": "fr",
    "certifies": "Il est certifié que",
    "completed": "a suivi avec succès la formation",
    "hours": "Durée",
    "hours_value": "{hours} heures",
    "completed_on": "Terminée le",
    "score": "Résultat global",
    "score_value": "{score} %",
    "modules": "Modules suivis",
    "competencies": "Compétences évaluées",
    "issued_by": "Délivré par",
    "code": "Certificat n°",
    "verify": "Vérifier ce certificat sur",
    "months": "janvier février mars avril mai juin juillet août septembre octobre novembre "
    "décembre",
    "date": "{day} {month} {year}",
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


class CertificateError(Exception):
    """A certificate operation that cannot be done (the message says why)."""


class NotAllowed(CertificateError):
    """The actor may not do this; views answer 404."""


# --- Reading ---------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    """A typed code as stored: lower case, without spaces or hyphens."""
    return re.sub(r"[\s-]+", "", code or "").lower()


def get_by_code(code: str) -> Certificate | None:
    code = normalise_code(code)
    if not code or len(code) > 64:
        return None
    return db.session.execute(select(Certificate).where(Certificate.code == code)).scalar()


def find_current(user_id: int, course_slug: str) -> Certificate | None:
    """The learner's current (valid) certificate for the course, if any."""
    key = current_key(user_id, course_slug)
    return db.session.execute(select(Certificate).where(Certificate.current_key == key)).scalar()


def certificates_of(user_id: int) -> list[Certificate]:
    """All the learner's certificates, newest first (revoked and superseded ones included)."""
    return list(
        db.session.execute(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        ).scalars()
    )


def find_by_pdf(data: bytes) -> Certificate | None:
    """The certificate whose stored PDF is exactly ``data`` (same SHA-256), if any."""
    digest = sha256_hex(data)
    return db.session.execute(
        select(Certificate).where(Certificate.pdf_sha256 == digest).order_by(Certificate.id)
    ).scalar()


def audit_entries(certificate: Certificate) -> list[AuditEvent]:
    """The certificate's history, oldest first."""
    return audit.events(certificate_id=certificate.id)


# --- Access ----------------------------------------------------------------------------------


def can_download(viewer: Any, certificate: Certificate) -> bool:
    """The holder, the trainers following the holder in that course, and admins."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.id == certificate.user_id or viewer.is_admin:
        return True
    return trainer_follows(viewer, certificate.user_id, certificate.course_slug)


def can_revoke(viewer: Any, certificate: Certificate) -> bool:
    """Admins and the trainers of the holder's cohort for that course (not the holder)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    if certificate.status == Status.REVOKED:
        return False
    return viewer.is_admin or trainer_follows(viewer, certificate.user_id, certificate.course_slug)


def certificate_for_download(viewer: Any, code: str) -> Certificate:
    """The certificate, with its PDF bytes, if ``viewer`` may download it; else NotAllowed."""
    certificate = get_by_code(code)
    if certificate is None or not can_download(viewer, certificate):
        raise NotAllowed(code)
    return certificate


# --- Issuing ---------------------------------------------------------------------------------


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
        holder_name=user.full_name,
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


def _certificate_from(
    snapshot: CertificateSnapshot, user_id: int, language: str, pdf: bytes
) -> Certificate:
    return Certificate(
        code=snapshot.code,
        user_id=user_id,
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
    certificate = _certificate_from(snapshot, user.id, language, pdf)
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


def _course_or_none(slug: str) -> Any | None:
    from courses.loader import get_course

    return get_course(slug)


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


# --- Reissue and revocation ------------------------------------------------------------------


def reissue_for_name_change(
    user: User, actor: User | None, course_slug: str | None = None
) -> list[Certificate]:
    """Reissue the user's current certificates whose printed name differs from their full name.

    Each new certificate keeps the old one's snapshot (course title, hours, completion date,
    score…) with the new name, a new code and a new PDF; the old one becomes ``superseded`` and
    points to it. Allowed to the holder, the trainers following them and admins.
    """
    if actor is not None and actor.id != user.id and not trainer_follows(actor, user.id):
        raise NotAllowed("not allowed to reissue this learner's certificates")
    reissued: list[Certificate] = []
    for old in certificates_of(user.id):
        if old.status != Status.VALID or old.holder_name == user.full_name:
            continue
        if course_slug is not None and old.course_slug != course_slug:
            continue
        new = _reissue_one(old, user, actor)
        if new is not None:
            reissued.append(new)
    return reissued


def _reissue_one(old: Certificate, user: User, actor: User | None) -> Certificate | None:
    """Supersede ``old`` by a copy carrying the user's current name, in one transaction.

    ``None`` if ``old`` stopped being current meanwhile (revoked or reissued by a simultaneous
    request): the conditional UPDATE or the UNIQUE ``current_key`` lets only one of them win.
    """
    issued_at = _now()
    snapshot = replace(
        old.snapshot(), code=new_code(), holder_name=user.full_name, issued_at=issued_at
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
        new = _certificate_from(snapshot, user.id, old.language, pdf)
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
            new_name=user.full_name,
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    db.session.expire(old)
    return new


def revoke(certificate: Certificate, actor: User | None, reason: str) -> Certificate:
    """Revoke a certificate with a reason. ``actor`` ``None`` is the command line.

    Allowed to admins and to trainers of the holder's cohort for that course. Nothing is
    deleted: the certificate stays, marked revoked, and its verification page says so.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError("a reason is required to revoke a certificate")
    if len(reason) > REASON_MAX:
        raise CertificateError(f"the reason must be at most {REASON_MAX} characters")
    if actor is not None and not (
        actor.is_admin or trainer_follows(actor, certificate.user_id, certificate.course_slug)
    ):
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


# --- Verification ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What the public verification page and its JSON show."""

    code: str
    status: str
    holder_name: str
    course_title: str
    certificate_title: str
    hours: float
    completed_on: date
    issued_at: datetime
    issuer: str
    score_percent: float | None
    pdf_sha256: str
    revoked_at: datetime | None
    revoke_reason: str | None
    superseded_at: datetime | None
    current_code: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "status": self.status,
            "valid": self.status == Status.VALID,
            "holder": self.holder_name,
            "course": self.course_title,
            "certificate_title": self.certificate_title,
            "hours": self.hours,
            "completed_on": self.completed_on.isoformat(),
            "issued_at": self.issued_at.isoformat() + "Z",
            "issuer": self.issuer,
            "score_percent": self.score_percent,
            "pdf_sha256": self.pdf_sha256,
            "revoked_at": self.revoked_at.isoformat() + "Z" if self.revoked_at else None,
            "revoke_reason": self.revoke_reason,
            "superseded_at": self.superseded_at.isoformat() + "Z" if self.superseded_at else None,
            "superseded_by": self.current_code,
        }


def verification_of(certificate: Certificate) -> Verification:
    current_code = None
    if certificate.status == Status.SUPERSEDED:
        # Follow the chain to the newest certificate (itself possibly revoked).
        newer = certificate.superseded_by
        seen = {certificate.id}
        while newer is not None and newer.superseded_by is not None and newer.id not in seen:
            seen.add(newer.id)
            newer = newer.superseded_by
        current_code = newer.code if newer is not None else None
    return Verification(
        code=certificate.code,
        status=certificate.status,
        holder_name=certificate.holder_name,
        course_title=certificate.course_title,
        certificate_title=certificate.certificate_title,
        hours=certificate.hours,
        completed_on=certificate.completed_on,
        issued_at=certificate.issued_at,
        issuer=certificate.issuer,
        score_percent=certificate.score_percent,
        pdf_sha256=certificate.pdf_sha256,
        revoked_at=certificate.revoked_at,
        revoke_reason=certificate.revoke_reason,
        superseded_at=certificate.superseded_at,
        current_code=current_code,
    )


def verify(code: str) -> Verification | None:
    """The public status of a code, or ``None`` for an unknown one."""
    certificate = get_by_code(code)
    return verification_of(certificate) if certificate is not None else None


# --- Files -----------------------------------------------------------------------------------


def safe_filename_part(text: str) -> str:
    """ASCII letters, digits and hyphens only (accents dropped), for download file names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:60] or "certificate"


def pdf_filename(certificate: Certificate) -> str:
    name = safe_filename_part(certificate.holder_name)
    course = safe_filename_part(certificate.course_slug)
    return f"certificate-{course}-{name}-{certificate.code[:8]}.pdf"


def cohort_for_zip(actor: Any, cohort_id: int) -> Cohort:
    """The cohort, if ``actor`` trains it or is an admin; else NotAllowed."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or actor is None or not getattr(actor, "is_authenticated", False):
        raise NotAllowed("no such cohort")
    if not actor.is_admin and actor.id not in {trainer.id for trainer in cohort.trainers}:
        raise NotAllowed("not a trainer of this cohort")
    return cohort


def cohort_zip(actor: Any, cohort_id: int) -> tuple[str, bytes]:
    """A ZIP of the stored PDFs of the cohort members' current certificates for its course."""
    cohort = cohort_for_zip(actor, cohort_id)
    certificates = db.session.execute(
        select(Certificate)
        .join(CohortMember, CohortMember.user_id == Certificate.user_id)
        .where(
            CohortMember.cohort_id == cohort.id,
            Certificate.course_slug == cohort.course_slug,
            Certificate.status == Status.VALID.value,
        )
        .order_by(Certificate.holder_name, Certificate.id)
        .options(undefer(Certificate.pdf))
    ).scalars()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            info = zipfile.ZipInfo(pdf_filename(certificate), certificate.issued_at.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, certificate.pdf)
    name = f"certificates-{safe_filename_part(cohort.name)}.zip"
    return name, buffer.getvalue()
