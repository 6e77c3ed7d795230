"""The data export's ZIP: the JSON kinds, the learner's PDFs and a README in their language.

Layout of the archive::

    README.txt                      what each file holds (the learner's language)
    <kind>.json                     one per kind of privacy.export_data.KINDS
    pdfs/certificate-<code>.pdf     each certificate, as issued (stored bytes)
    pdfs/attestation-block-<code>.pdf   each block attestation, as issued
    pdfs/realisation-<course>.pdf   the certificat de réalisation of each enrolled course
    pdfs/attestation-<course>.pdf   its attestation de fin de formation

JSON files are UTF-8, indented, keys sorted. Entries are deflated (JSON compresses well; the
PDFs hardly, but one method keeps it simple).
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import undefer

from blocks.models import BlockAttestation
from certificates.export import safe_filename_part
from certificates.models import Certificate
from courses.loader import get_course
from courses.models import Enrolment
from privacy.export_data import KINDS, gather
from training.extensions import db
from training.models import User

log = logging.getLogger("passerelle.privacy")


def _descriptions() -> dict[str, str]:
    return {
        "profile": _(
            "your account (email, names, role, language, dates, the privacy notice you "
            "accepted), the mails you turned off, your login sessions (device, dates), the "
            "recorded events about your account (history) and the "
            "courses whose satisfaction survey you answered (your answers are kept without "
            "your name, so they cannot be found again)."
        ),
        "enrolments": _("the courses you follow, since when, and through which group."),
        "progress": _("each module you opened: first and last opened, when you marked it done."),
        "attempts": _(
            "each quiz attempt: dates, score, passed or not, and for each question its "
            "prompt and your answer (choices are numbered from 0 in the quiz's own order)."
        ),
        "roleplays": _(
            "each role-play run: your choices in order, the ending, scores per competency, "
            "your reflection and your trainer's reply."
        ),
        "cohorts": _("the groups you joined and the invitations you received."),
        "certificates": _(
            "your certificates and block attestations, with their status and the public "
            "address where anyone can verify them."
        ),
        "activity_time": _(
            "your measured learning time per course, module, quiz, role-play and block, your "
            "work sessions, and each recorded learning action (date, activity, action)."
        ),
    }


def readme(user: User, now: datetime, pdf_names: list[str]) -> str:
    """The archive's README.txt, in ``user.language``."""
    with force_locale(user.language):
        lines = [
            _("Your Passerelle data — %(name)s <%(email)s>", name=user.full_name,
              email=user.email),
            _("Made on %(when)s (UTC).", when=now.strftime("%Y-%m-%d %H:%M")),
            "",
            _(
                "This archive holds everything Passerelle keeps about you. Dates and times are "
                "in ISO 8601, times in UTC (ending in Z); durations are in seconds."
            ),
            "",
            _("Files"),
        ]  # fmt: skip
        descriptions = _descriptions()
        lines += [f"- {kind}.json: {descriptions[kind]}" for kind in KINDS]
        if pdf_names:
            lines.append(
                _("- pdfs/: your certificates and attestations as PDF files (%(count)d).",
                  count=len(pdf_names))
            )  # fmt: skip
        lines += [
            "",
            _(
                "To correct your profile, use your account page. To ask a question or "
                "exercise another right, see the privacy notice: %(url)s",
                url=_privacy_url(),
            ),
            "",
        ]
    return "\r\n".join(lines)


def _privacy_url() -> str:
    from training.links import external_url

    return external_url("privacy.notice")


def _pdfs(user: User) -> list[tuple[str, bytes]]:
    files = []
    certs = db.session.scalars(
        select(Certificate)
        .options(undefer(Certificate.pdf))
        .where(Certificate.user_id == user.id)
        .order_by(Certificate.id)
    )
    files += [(f"pdfs/certificate-{c.code}.pdf", c.pdf) for c in certs]
    blocks = db.session.scalars(
        select(BlockAttestation)
        .options(undefer(BlockAttestation.pdf))
        .where(BlockAttestation.user_id == user.id)
        .order_by(BlockAttestation.id)
    )
    files += [(f"pdfs/attestation-block-{b.code}.pdf", b.pdf) for b in blocks]
    from proof import pdfs
    from proof.documents import proof_facts

    slugs = db.session.scalars(
        select(Enrolment.course_slug).where(Enrolment.user_id == user.id).order_by(Enrolment.id)
    )
    for slug in list(slugs):
        course = get_course(slug)
        if course is None:
            continue
        facts = proof_facts(user, course)
        name = safe_filename_part(course.slug)
        files.append((f"pdfs/realisation-{name}.pdf", pdfs.realisation_pdf(facts)))
        files.append((f"pdfs/attestation-{name}.pdf", pdfs.attestation_pdf(facts)))
    return files


def dumps(value: Any) -> bytes:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")


def build(user: User, now: datetime) -> bytes:
    """The whole archive as bytes (see the module)."""
    data = gather(user, now)
    pdf_files = _pdfs(user)
    buffer = io.BytesIO()
    stamp = now.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def write(name: str, content: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)

        write("README.txt", readme(user, now, [name for name, _data in pdf_files]).encode("utf-8"))
        for kind in KINDS:
            write(f"{kind}.json", dumps(data[kind]))
        for name, content in pdf_files:
            write(name, content)
    return buffer.getvalue()
