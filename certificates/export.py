"""Serving stored PDFs: who may download, file names, and the cohort ZIP, written while it is
sent.

The cohort ZIP: :func:`cohort_zip` checks access at once (``NotAllowed`` before any byte is
produced, so the view can still answer 404) and returns the download name and an iterator of
byte chunks that, joined, are a ZIP of the stored PDFs of the cohort members' current
certificates for its course, one entry per certificate, named by :func:`pdf_filename`, dated by
the certificate's issue time.

- **Stored, not deflated.** A PDF's streams are already compressed: deflating them again spent
  two thirds of the export's time to save under 4 %.
- **Streamed, in bounded memory.** The certificates' ids are read first; their names, dates
  and PDF bytes are then read ``BATCH`` certificates at a time, as plain rows (never ORM
  objects, which the session would keep until the end of the request), and each entry is
  handed to the response as soon as it is written. Both queries run on the session's
  connection, not through ``Session.execute``: the ORM's result machinery leaves reference
  cycles behind (the id query's fetched rows, about 60 KB for 500 certificates, each batch's
  loading context), kept until the collector runs, so memory crept up with the number of
  batches (issue 19, item 3); the batch query is built once with an expanding parameter,
  rather than a new ``IN`` clause cloned per batch. A worker's memory grows by one batch of
  PDFs plus each entry's packed central-directory record (about a hundred bytes), written by
  :mod:`certificates.zipstream` (ZIP64 past 4 GiB or 65,535 entries).
- **SQLite's page cache let go after each batch.** Reading PDF bytes fills the connection's
  page cache (up to 2 MiB, kept for the pooled connection's life): a worker that sent 500 PDFs
  held 1 MiB more than one that sent 20, the whole of the difference the bench measured, and
  the pages cached for the next requests' queries were pushed out by PDF pages.
  ``PRAGMA shrink_memory`` after each batch gives them back; the next reads come from the
  operating system's file cache. PostgreSQL caches in its server, not in the worker.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, select

from certificates.errors import NotAllowed
from certificates.models import Certificate, Status
from certificates.verification import get_by_code
from certificates.zipstream import ZipStream
from training.cohort_access import may_see_holder_document
from training.extensions import db
from training.models import Cohort, CohortMember

#: Certificates whose PDF bytes are held in memory at once while the ZIP is written.
BATCH = 20


def can_download(viewer: Any, certificate: Certificate) -> bool:
    """The holder, the trainers following the holder in that course, and admins."""
    return may_see_holder_document(viewer, certificate.user_id, certificate.course_slug)


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


def cohort_zip(actor: Any, cohort_id: int) -> tuple[str, Iterator[bytes]]:
    """The ZIP's download name and its bytes as chunks (see the module docstring)."""
    cohort = cohort_for_zip(actor, cohort_id)
    ids = array(  # 8 bytes an id, not a list of int objects: the one thing kept throughout
        "q",
        db.session.connection().scalars(  # Core rows: no ORM result cycles (module docstring)
            select(Certificate.id)
            .join(CohortMember, CohortMember.user_id == Certificate.user_id)
            .where(
                CohortMember.cohort_id == cohort.id,
                Certificate.course_slug == cohort.course_slug,
                Certificate.status == Status.VALID.value,
            )
            .order_by(Certificate.holder_name, Certificate.id)
        ),
    )
    name = f"certificates-{safe_filename_part(cohort.name)}.zip"
    return name, zip_chunks(ids)


def zip_chunks(ids: Sequence[int]) -> Iterator[bytes]:
    """Write the ZIP of these certificates (in this order) entry by entry, yielding what each
    step produced. Only the ids are held for the whole archive; names, dates and bytes are
    read a batch at a time."""
    archive = ZipStream()
    for start in range(0, len(ids), BATCH):
        batch = _entries(list(ids[start : start + BATCH]))
        for certificate_id in ids[start : start + BATCH]:
            entry = batch.pop(certificate_id, None)
            if entry is None:  # certificates are never deleted; this one always exists
                continue
            yield from archive.entry(pdf_filename(entry), entry.pdf, entry.issued_at)
            del entry
    yield from archive.finish()  # the directory in 64 KiB pieces (see certificates.zipstream)


@cache
def _batch_query() -> Select[Any]:
    """Name parts, date and PDF bytes of the certificates whose ids are bound to ``ids``."""
    return select(
        Certificate.id,
        Certificate.code,
        Certificate.holder_name,
        Certificate.course_slug,
        Certificate.issued_at,
        Certificate.pdf,
    ).where(Certificate.id.in_(bindparam("ids", expanding=True)))


def _entries(ids: Sequence[int]) -> dict[int, Row[Any]]:
    """Name parts, date and PDF bytes of these certificates, as plain rows (no ORM objects),
    read on the session's connection (no ORM result machinery: see the module docstring)."""
    connection = db.session.connection()
    rows = connection.execute(_batch_query(), {"ids": list(ids)})
    entries = {row.id: row for row in rows}
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA shrink_memory")  # see the module docstring
    return entries
