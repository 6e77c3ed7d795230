"""Serving stored PDFs: who may download, file names, and the cohort ZIP."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import undefer

from certificates.errors import NotAllowed
from certificates.models import Certificate, Status
from certificates.verification import get_by_code
from training.cohort_access import trainer_follows
from training.extensions import db
from training.models import Cohort, CohortMember


def can_download(viewer: Any, certificate: Certificate) -> bool:
    """The holder, the trainers following the holder in that course, and admins."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.id == certificate.user_id or viewer.is_admin:
        return True
    return trainer_follows(viewer, certificate.user_id, certificate.course_slug)


def certificate_for_download(viewer: Any, code: str) -> Certificate:
    """The certificate, with its PDF bytes, if ``viewer`` may download it; else NotAllowed."""
    certificate = get_by_code(code)
    if certificate is None or not can_download(viewer, certificate):
        raise NotAllowed(code)
    return certificate


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
