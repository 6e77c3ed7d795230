"""Certificate PDF rendering: a frozen snapshot in, PDF bytes out. No Flask, no database.

Why it is shaped this way:

- A certificate is rendered once, when it is issued, and its bytes are stored with their SHA-256;
  every download and every app server then serves those exact bytes. Rendering is therefore a
  pure function of its inputs, and deterministic: the PDF dates come from the snapshot's
  ``issued_at`` and the PDF/A file identifier is a hash of the content, so the same snapshot
  gives the same bytes (which also lets a verifier re-render and compare).
- Every printed field goes through an autoescaping Jinja template, so a holder name such as
  ``<img src="file:///etc/passwd">`` is text, never markup.
- WeasyPrint fetches stylesheets, fonts and images through a URL fetcher. Ours serves only files
  under ``static/`` and ``data:`` URIs (the inlined QR code); anything else is refused and the
  refusal stops the render, so a certificate can neither reach the network or the file system
  nor be stored silently missing its fonts or logo.
- Every text printed or written into the metadata goes through
  :func:`training.text_safety.printable` and ``fit_to_fonts`` first: control,
  bidirectional-override and non-characters never reach the page or the XMP packet (which must
  stay well-formed XML for the file to remain PDF/A-3b), and no character the bundled fonts
  lack is drawn as an empty ``.notdef`` box, whatever name was stored.
- One ``FontConfiguration`` per process: WeasyPrint caches the ``@font-face`` fonts in it, so
  the bundled fonts are loaded once, not on every render.
- WeasyPrint itself lives behind :mod:`certificates.pdf_engine`, imported by :func:`render_pdf`
  on first use: a process that never renders (a web worker streaming stored PDFs, most CLI
  commands) never pays its start-up. ``StaticFileFetcher``, ``safe_url_fetcher`` and
  ``FONT_CONFIG`` are still reachable here (loaded on first access).
- Files can be embedded (the certificate's signed credential): in PDF/A-3 each is an
  *associated file* of the document (listed in the catalog's ``AF``, with its MIME type and an
  ``AFRelationship``), which PDF/A-3b allows (ISO 19005-3, clause 6.8). Their dates are the
  snapshot's ``issued_at`` too, so embedding keeps the output byte-stable.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import jinja2

if TYPE_CHECKING:  # WeasyPrint is imported only when a PDF is rendered (certificates.pdf_engine)
    from weasyprint import Attachment
    from weasyprint.urls import URLFetcher

from certificates.print_columns import (
    COMPETENCY_CHARS_PER_LINE,
    MODULE_CHARS_PER_LINE,
    balanced_columns,
)
from certificates.print_fit import estimated_syllabus_level, layouts, syllabus_clear
from certificates.print_text import TITLE_LINE_CHARS, balanced_lines, size_class
from training.dates import format_date
from training.numbers import format_number
from training.text_safety import fit_to_fonts, printable

ROOT_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT_DIR / "static"
TEMPLATES_DIR = ROOT_DIR / "templates"
TEMPLATE_NAME = "certificates/print.html"
#: The print stylesheet of the certificate and the block attestation (under static/).
STYLESHEET = "certificates/print.css"
DEFAULT_LOGO = "img/logo.svg"
PDFA_VARIANT = "pdf/a-3b"

#: The colour of the QR code's dark modules: the certificate's ink.
QR_INK = "#1f3f4d"

#: Printed labels. ``lang`` is the certificate's language: its date is written in that
#: language's one style (``training.dates``); ``decimal`` is the decimal mark.
DEFAULT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "lang": "en",
        "certifies": "This certifies that",
        "completed": "has successfully completed the course",
        "hours": "Duration",
        "hours_value": "{hours} hours",
        "completed_on": "Completed on",
        "score": "Overall score",
        "score_value": "{score}%",
        "modules": "Modules completed",
        "modules_annex": "{count} modules, listed on page 2",
        "competencies": "Competencies assessed",
        "issued_by": "Issued by",
        "code": "Certificate no.",
        "verify": "Verify this certificate at",
        "decimal": ".",
    }
)


@dataclass(frozen=True)
class CertificateSnapshot:
    """What an issued certificate prints, frozen at issue time.

    Later changes to the user's name or to the course never reach an issued certificate: the
    snapshot is stored with it and is the only input of the PDF. ``signatory`` is written
    ``"Name, Role"`` (as in ``course.yaml``); the part after the first comma prints as the role.
    """

    code: str
    holder_name: str
    course_title: str
    course_slug: str
    hours: float
    completed_on: date
    score_percent: float | None
    modules: list[str]
    competencies: list[str]
    issuer: str
    signatory: str
    certificate_title: str
    issued_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates in ISO 8601), for storing the snapshot with the certificate."""
        data = asdict(self)
        data["completed_on"] = self.completed_on.isoformat()
        data["issued_at"] = self.issued_at.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CertificateSnapshot:
        """The inverse of :meth:`to_dict`."""
        values = dict(data)
        values["completed_on"] = date.fromisoformat(values["completed_on"])
        values["issued_at"] = datetime.fromisoformat(values["issued_at"])
        values["modules"] = list(values["modules"])
        values["competencies"] = list(values["competencies"])
        return cls(**values)


@dataclass(frozen=True)
class EmbeddedFile:
    """A file to embed in the PDF: ``name`` as shown in PDF readers, ``media_type`` its MIME
    type, ``relationship`` its PDF/A-3 ``AFRelationship`` (``Data``: the file holds data the
    page shows)."""

    name: str
    data: bytes
    media_type: str
    description: str = ""
    relationship: str = "Data"

    def attachment(self, created: datetime | None, url_fetcher: URLFetcher) -> Attachment:
        """The WeasyPrint attachment, read through our fetcher as a ``data:`` URI (so the
        MIME type is ours, not guessed from the name)."""
        from weasyprint import Attachment

        moment = _utc_naive(created) if created is not None else datetime(1970, 1, 1)
        payload = base64.b64encode(self.data).decode("ascii")
        return Attachment(
            url=f"data:{self.media_type};base64,{payload}",
            url_fetcher=url_fetcher,
            name=self.name,
            description=self.description,
            created=moment,
            modified=moment,
            relationship=self.relationship,
        )


class URLRefusedError(ValueError):
    """A resource the certificate renderer is not allowed to fetch."""


class CertificateRenderError(RuntimeError):
    """The PDF could not be rendered (for example a refused or missing resource)."""


_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def _print_text(text: str) -> str:
    return fit_to_fonts(printable(text))


def printable_snapshot(snapshot: CertificateSnapshot) -> CertificateSnapshot:
    """The snapshot with every printed text cleaned (see the module docstring)."""
    return replace(
        snapshot,
        holder_name=_print_text(snapshot.holder_name),
        course_title=_print_text(snapshot.course_title),
        modules=[_print_text(m) for m in snapshot.modules],
        competencies=[_print_text(c) for c in snapshot.competencies],
        issuer=_print_text(snapshot.issuer),
        signatory=_print_text(snapshot.signatory),
        certificate_title=_print_text(snapshot.certificate_title),
    )


def render_certificate_html(
    snapshot: CertificateSnapshot,
    verify_url: str,
    organisation: str,
    logo_path: str | None,
    labels: Mapping[str, str] | None = None,
    syllabus: str | None = None,
) -> str:
    """The certificate as HTML, to be rendered with :func:`render_pdf`.

    ``logo_path`` is relative to ``static/`` (e.g. ``"img/logo.svg"``); ``labels`` overrides some
    or all of :data:`DEFAULT_LABELS` (e.g. French ones). Unknown label keys and a logo outside
    ``static/`` are errors, caught here rather than as a broken PDF. ``syllabus`` is one of
    :data:`certificates.print_fit.SYLLABUS_LEVELS` (by default, the one its length suggests).
    """
    merged = _merge_labels(labels)
    snapshot = printable_snapshot(snapshot)
    organisation = _print_text(organisation)
    name, _, role = snapshot.signatory.partition(",")
    # The URL may wrap on the printed page: prefer to break it just before the code.
    url_head, slash, url_tail = verify_url.rpartition("/")
    url_head += slash
    level = estimated_syllabus_level(snapshot) if syllabus is None else syllabus
    return _ENV.get_template(TEMPLATE_NAME).render(
        s=snapshot,
        labels=merged,
        organisation=organisation,
        logo_url=_logo_url(logo_path) if logo_path else None,
        verify_url=verify_url,
        url_head=url_head,
        url_tail=url_tail,
        qr_data_uri=_qr_data_uri(verify_url),
        signatory_name=name.strip(),
        signatory_role=role.strip(),
        hours_text=merged["hours_value"].format(hours=_number(snapshot.hours, merged)),
        date_text=_format_date(snapshot.completed_on, merged),
        score_text=_score_text(snapshot.score_percent, merged),
        name_size=size_class(snapshot.holder_name, (26, 36, 50, 80)),
        course_size=size_class(snapshot.course_title, (48, 72, 100, 140)),
        # Up to about 28 characters fit one line at the largest size, 36 at the next; a title
        # that must wrap anyway takes the smaller size, so its two lines leave the syllabus room.
        title_size=(title_size := size_class(snapshot.certificate_title, (28, 36, 110, 160))),
        title_lines=balanced_lines(snapshot.certificate_title, TITLE_LINE_CHARS[title_size]),
        syllabus_class=level,
        module_columns=balanced_columns(snapshot.modules, 3, MODULE_CHARS_PER_LINE[level]),
        competency_columns=balanced_columns(
            snapshot.competencies, 2, COMPETENCY_CHARS_PER_LINE[level]
        ),
    )


def render_pdf(
    html: str | tuple[str, ...],
    *,
    stylesheet: str | None = STYLESHEET,
    pdfa: bool = True,
    title: str = "",
    author: str = "",
    subject: str = "",
    created: datetime | None = None,
    url_fetcher: URLFetcher | None = None,
    attachments: Sequence[EmbeddedFile] = (),
    fits: Callable[[Any], bool] | None = None,
    alternatives: Iterable[str | tuple[str, ...]] = (),
) -> bytes:
    """Render certificate HTML to PDF bytes (see :func:`certificates.pdf_engine.render_pdf`).

    The first call imports WeasyPrint; the arguments and the result are the engine's.
    """
    from certificates import pdf_engine

    return pdf_engine.render_pdf(
        html,
        fits=fits,
        alternatives=alternatives,
        stylesheet=stylesheet,
        pdfa=pdfa,
        title=title,
        author=author,
        subject=subject,
        created=created,
        url_fetcher=url_fetcher,
        attachments=attachments,
    )


_ENGINE_NAMES = frozenset({"StaticFileFetcher", "safe_url_fetcher", "FONT_CONFIG"})


def __getattr__(name: str) -> Any:
    """``pdf.StaticFileFetcher`` and friends, loaded from the engine on first access."""
    if name in _ENGINE_NAMES:
        from certificates import pdf_engine

        return getattr(pdf_engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render_certificate_pdf(
    snapshot: CertificateSnapshot,
    verify_url: str,
    organisation: str,
    logo_path: str | None,
    pdfa: bool = True,
    labels: Mapping[str, str] | None = None,
    attachments: Sequence[EmbeddedFile] = (),
) -> bytes:
    """The certificate PDF of a snapshot: its HTML rendered with the snapshot's metadata and
    ``attachments`` (its credential) embedded."""
    pages = layouts(snapshot, verify_url, organisation, logo_path, labels)
    html = next(pages)
    snapshot = printable_snapshot(snapshot)
    return render_pdf(
        html,
        fits=syllabus_clear,
        alternatives=pages,
        pdfa=pdfa,
        title=f"{snapshot.certificate_title} – {snapshot.holder_name}",
        author=snapshot.issuer,
        subject=snapshot.course_title,
        created=snapshot.issued_at,
        attachments=attachments,
    )


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of the PDF bytes, as printed on the verification page."""
    return hashlib.sha256(data).hexdigest()


def _merge_labels(labels: Mapping[str, str] | None) -> dict[str, str]:
    merged = dict(DEFAULT_LABELS)
    if labels:
        unknown = set(labels) - set(DEFAULT_LABELS)
        if unknown:
            raise ValueError(f"unknown certificate labels: {sorted(unknown)}")
        merged.update(labels)
    return merged


def _logo_url(logo_path: str) -> str:
    """``logo_path`` as a URL relative to ``static/``, after checking it is a file there."""
    path = (STATIC_DIR / logo_path).resolve()
    root = STATIC_DIR.resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise ValueError(f"the logo {logo_path!r} is not a file under {root}")
    return path.relative_to(root).as_posix()


def _qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI (medium error correction, 4-module
    quiet zone, transparent so it sits on the paper colour)."""
    import segno  # only when a certificate is drawn: not at a web worker's start

    return segno.make(url, error="m", micro=False).svg_data_uri(dark=QR_INK, light=None, border=4)


def _number(value: float, labels: Mapping[str, str]) -> str:
    """``35`` rather than ``35.0``, one decimal at most, in the certificate's language
    (``12,5`` in French): the platform's one number formatter, ``training.numbers``."""
    return format_number(value, labels.get("lang") or "en")


def _score_text(score: float | None, labels: Mapping[str, str]) -> str | None:
    """``86%`` (one decimal at most), or ``None`` for a course without a scored assessment."""
    if score is None:
        return None
    return labels["score_value"].format(score=_number(score, labels))


def _format_date(day: date, labels: Mapping[str, str]) -> str:
    """The date in the certificate's language, in the platform's one style (``training.dates``)."""
    return format_date(day, labels.get("lang") or "en")


def _w3c_datetime(moment: datetime) -> str:
    """A W3C date-time in UTC, as WeasyPrint's metadata expects; naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc_naive(moment: datetime) -> datetime:
    """UTC without tzinfo (WeasyPrint writes attachment dates as ``D:…Z`` from it)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
