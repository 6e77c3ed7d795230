"""Issuing a block attestation, once: a frozen snapshot, its PDF rendered once, an audit event.

A learner may download the attestation of a competency block as soon as the block is
**attained** in the one progress service (``certificates.progress``: every requirement that
serves the block met, excuses included). It states a *partial validation* of the certification
by block: the course prepares for the qualification, it does not award it. Like certificates
(``certificates.issuing``), the PDF is rendered before the transaction and the UNIQUE
``current_key`` turns a double click into one attestation: the second request gets the first's.
The code, the QR code and the public page are the certificates' (``/verify/<code>``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import jinja2
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from blocks.models import VALID, BlockAttestation, current_key
from certificates import pdf as cert_pdf
from certificates import print_fit
from certificates.errors import CertificateError, NotAllowed
from certificates.issuing import (
    cohort_earned_in,
    new_code,
    printed_name,
    verify_url,
)
from certificates.print_columns import MODULE_CHARS_PER_LINE, balanced_columns
from certificates.print_text import size_class
from certificates.progress import BlockProgress, Item
from certificates.progress_data import progress_for
from training import audit
from training.extensions import db
from training.models import User
from training.timeutil import utcnow

#: Above this weight (characters + 25 a line), the met requirements print smaller from the
#: first layout; the page is then checked and laid out smaller, or the list moved to a page 2,
#: as the certificate's syllabus is (certificates/print_fit.py).
REQUIREMENTS_DENSE_ABOVE = 800

log = logging.getLogger(__name__)
AUDIT_ISSUE = "block_attestation.issue"

LABELS = {
    "en": {
        "lang": "en",
        "title": "Block attestation",
        "certifies": "This attests that",
        "attained": "has met every assessed requirement of the competency block",
        "partial": "A partial validation by block of the certification",
        "within": "in the course",
        "attained_on": "Attained on",
        "score": "Block score",
        "score_value": "{score}%",
        "requirements": "Assessed requirements met",
        "requirements_annex": "{count} requirements, listed on page 2",
        "issued_by": "Issued by",
        "code": "Attestation no.",
        "verify": "Verify this attestation at",
        "module": "Module: {title}",
        "quiz": "Quiz: {title}",
        "roleplay": "Role-play: {title}",
    },
    "fr": {
        "lang": "fr",
        "title": "Attestation de bloc de compétences",
        "certifies": "Il est attesté que",
        "attained": "a satisfait à toutes les évaluations du bloc de compétences",
        "partial": "Validation partielle, par bloc, de la certification",
        "within": "dans la formation",
        "attained_on": "Bloc atteint le",
        "score": "Résultat du bloc",
        "score_value": "{score}\u00a0%",
        "requirements": "Évaluations réussies",
        "requirements_annex": "{count}\u00a0évaluations, liste en page\u00a02",
        "issued_by": "Délivrée par",
        "code": "Attestation n°",
        "verify": "Vérifier cette attestation sur",
        "module": "Module\u00a0: {title}",
        "quiz": "Quiz\u00a0: {title}",
        "roleplay": "Mise en situation\u00a0: {title}",
    },
}

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(cert_pdf.TEMPLATES_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


class BlockNotAttained(CertificateError):
    """The block's requirements do not hold (yet): nothing to attest."""


@dataclass(frozen=True)
class AttestationSnapshot:
    """What an attestation prints, frozen at issue time (the only input of its PDF)."""

    code: str
    holder_name: str
    course_title: str
    course_slug: str
    block_id: str
    block_title: str
    rncp: str | None
    requirements: list[str]
    score_percent: float | None
    attained_on: date
    issuer: str
    signatory: str
    issued_at: datetime


def labels_for(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


def requirement_label(item: Item, labels: dict[str, str]) -> str:
    return labels[item.kind].format(title=item.title)


def find_current(user_id: int, course_slug: str, block_id: str) -> BlockAttestation | None:
    key = current_key(user_id, course_slug, block_id)
    return db.session.execute(
        select(BlockAttestation).where(BlockAttestation.current_key == key)
    ).scalar()


def attestations_of(user_id: int, course_slug: str) -> dict[str, BlockAttestation]:
    """The learner's valid attestations in a course, by block id."""
    rows = db.session.execute(
        select(BlockAttestation).where(
            BlockAttestation.user_id == user_id,
            BlockAttestation.course_slug == course_slug,
            BlockAttestation.status == VALID,
        )
    ).scalars()
    return {row.block_id: row for row in rows}


def get_by_code(code: str) -> BlockAttestation | None:
    from certificates.verification import normalise_code

    code = normalise_code(code)
    if not code or len(code) > 64:
        return None
    return db.session.execute(
        select(BlockAttestation).where(BlockAttestation.code == code)
    ).scalar()


def snapshot_for(
    user: User, course: Any, standing: BlockProgress, code: str, issued_at: datetime
) -> AttestationSnapshot:
    labels = labels_for(course.language)
    return AttestationSnapshot(
        code=code,
        holder_name=printed_name(user),
        course_title=course.title,
        course_slug=course.slug,
        block_id=standing.block.id,
        block_title=standing.block.title,
        rncp=standing.block.rncp,
        requirements=[requirement_label(i, labels) for i in standing.tally.met],
        score_percent=standing.score,
        attained_on=issued_at.date(),
        issuer=course.certificate.issuer,
        signatory=course.certificate.signatory,
        issued_at=issued_at,
    )


def _printable(snapshot: AttestationSnapshot) -> AttestationSnapshot:
    clean = cert_pdf._print_text
    return AttestationSnapshot(
        **{
            **snapshot.__dict__,
            "holder_name": clean(snapshot.holder_name),
            "course_title": clean(snapshot.course_title),
            "block_title": clean(snapshot.block_title),
            "requirements": [clean(r) for r in snapshot.requirements],
            "issuer": clean(snapshot.issuer),
            "signatory": clean(snapshot.signatory),
        }
    )


def _first_level(printed: AttestationSnapshot) -> str:
    weight = sum(len(r) + 25 for r in printed.requirements)
    return "dense" if weight > REQUIREMENTS_DENSE_ABOVE else ""


def render_html(snapshot: AttestationSnapshot, language: str, syllabus: str | None = None) -> str:
    """Page 1 of the attestation; ``syllabus`` is a size of ``print_fit.SYLLABUS_LEVELS`` (by
    default, the one the requirements' length suggests)."""
    labels = labels_for(language)
    config = current_app.config
    logo = config.get("ORGANISATION_LOGO") or None
    url = verify_url(snapshot.code)
    url_head, slash, url_tail = url.rpartition("/")
    clean = cert_pdf._print_text
    printed = _printable(snapshot)
    level = _first_level(printed) if syllabus is None else syllabus
    name, _, role = printed.signatory.partition(",")
    day = snapshot.attained_on
    score = None
    if snapshot.score_percent is not None:
        score = labels["score_value"].format(score=cert_pdf._number(snapshot.score_percent, labels))
    return _ENV.get_template("blocks/print.html").render(
        a=printed,
        labels=labels,
        organisation=clean(config["ORGANISATION_NAME"]),
        logo_url=cert_pdf._logo_url(logo) if logo else None,
        url_head=url_head + slash,
        url_tail=url_tail,
        qr_data_uri=cert_pdf._qr_data_uri(url),
        signatory_name=name.strip(),
        signatory_role=role.strip(),
        date_text=cert_pdf._format_date(day, labels),
        score_text=score,
        # "Attestation de bloc de compétences" wraps at the certificate title's full size.
        title_size=size_class(labels["title"], (28, 40, 110, 160)),
        name_size=size_class(printed.holder_name, (26, 36, 50, 80)),
        block_size=size_class(printed.block_title, (48, 72, 100, 140)),
        syllabus_class=level,
        requirement_columns=balanced_columns(printed.requirements, 3, MODULE_CHARS_PER_LINE[level]),
    )


def _list_page(snapshot: AttestationSnapshot, language: str) -> str:
    """Page 2, when the requirements do not fit on page 1 at any size."""
    labels = labels_for(language)
    printed = _printable(snapshot)
    return print_fit.render_list_page(
        lang=labels["lang"],
        title=f"{labels['title']} {printed.block_id} – {printed.holder_name}",
        heading=labels["requirements"],
        holder_line=f"{printed.holder_name} — {printed.block_id} {printed.block_title}",
        code_line=f"{labels['code']} {printed.code}",
        items=printed.requirements,
    )


def render(snapshot: AttestationSnapshot, language: str) -> bytes:
    labels = labels_for(language)
    holder = cert_pdf._print_text(snapshot.holder_name)
    pages = print_fit.ladder(
        _first_level(_printable(snapshot)),
        lambda level: render_html(snapshot, language, level),
        (lambda: _list_page(snapshot, language)) if snapshot.requirements else None,
    )
    return cert_pdf.render_pdf(
        next(pages),
        fits=cert_pdf.syllabus_clear,
        alternatives=pages,
        pdfa=bool(current_app.config.get("CERTIFICATE_PDFA", True)),
        title=f"{labels['title']} {snapshot.block_id} – {holder}",
        author=cert_pdf._print_text(snapshot.issuer),
        subject=cert_pdf._print_text(snapshot.course_title),
        created=snapshot.issued_at,
    )


def issue(user: User, course: Any, block_id: str) -> BlockAttestation:
    """The learner's attestation for ``block_id``: the current one, or a new one if the block
    is attained. Raises LookupError for a block the course does not declare and
    BlockNotAttained when its requirements do not hold."""
    existing = find_current(user.id, course.slug, block_id)
    if existing is not None:
        return existing
    standing = progress_for(user.id, course).block(block_id)
    if standing is None:
        raise LookupError(block_id)
    if not standing.attained:
        raise BlockNotAttained(block_id)
    issued_at = utcnow().replace(microsecond=0)
    snapshot = snapshot_for(user, course, standing, new_code(), issued_at)
    pdf = render(snapshot, course.language)
    row = BlockAttestation(
        code=snapshot.code,
        user_id=user.id,
        course_slug=course.slug,
        block_id=block_id,
        cohort_id=cohort_earned_in(user.id, course.slug),
        status=VALID,
        current_key=current_key(user.id, course.slug, block_id),
        holder_name=snapshot.holder_name,
        course_title=snapshot.course_title,
        block_title=snapshot.block_title,
        rncp=snapshot.rncp,
        requirements=list(snapshot.requirements),
        score_percent=snapshot.score_percent,
        attained_on=snapshot.attained_on,
        issuer=snapshot.issuer,
        signatory=snapshot.signatory,
        language=course.language,
        issued_at=issued_at,
        pdf=pdf,
        pdf_sha256=cert_pdf.sha256_hex(pdf),
        pdf_size=len(pdf),
    )
    try:
        db.session.add(row)
        db.session.flush()
        audit.record(
            AUDIT_ISSUE,
            actor=user,
            subject_user_id=user.id,
            cohort_id=row.cohort_id,
            course_slug=course.slug,
            block=block_id,
            code=row.code,
        )
        db.session.commit()
    except IntegrityError:  # a double click: the other request's attestation won
        db.session.rollback()
        existing = find_current(user.id, course.slug, block_id)
        if existing is None:
            raise
        return existing
    log.info("block attestation %s issued to user %s (%s)", row.code, user.id, block_id)
    return row


def can_download(viewer: Any, attestation: BlockAttestation) -> bool:
    """The holder, the trainers following the holder in that course, and admins."""
    from training.cohort_access import may_see_holder_document

    return may_see_holder_document(viewer, attestation.user_id, attestation.course_slug)


def for_download(viewer: Any, code: str) -> BlockAttestation:
    attestation = get_by_code(code)
    if attestation is None or not can_download(viewer, attestation):
        raise NotAllowed(code)
    return attestation


def pdf_filename(attestation: BlockAttestation) -> str:
    from certificates.export import safe_filename_part

    name = safe_filename_part(attestation.holder_name)
    block = safe_filename_part(attestation.block_id)
    return f"block-{block}-{name}-{attestation.code[:8]}.pdf"
