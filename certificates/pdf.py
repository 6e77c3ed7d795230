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
- Files can be embedded (the certificate's signed credential): in PDF/A-3 each is an
  *associated file* of the document (listed in the catalog's ``AF``, with its MIME type and an
  ``AFRelationship``), which PDF/A-3b allows (ISO 19005-3, clause 6.8). Their dates are the
  snapshot's ``issued_at`` too, so embedding keeps the output byte-stable.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

import jinja2
import segno
from weasyprint import HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from training.text_safety import fit_to_fonts, printable

ROOT_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT_DIR / "static"
TEMPLATES_DIR = ROOT_DIR / "templates"
TEMPLATE_NAME = "certificates/print.html"
DEFAULT_LOGO = "img/logo.svg"
PDFA_VARIANT = "pdf/a-3b"

#: Shared by every render in this process (see the module docstring).
FONT_CONFIG = FontConfiguration()

#: Above this :func:`_syllabus_weight`, modules and competencies print smaller (the bundled
#: course weighs about 620).
SYLLABUS_DENSE_ABOVE = 800

#: The colour of the QR code's dark modules: the certificate's ink.
QR_INK = "#1f3f4d"

#: Printed labels. ``months`` is the twelve month names separated by spaces; ``date`` is how a
#: date is written (``{day}``, ``{month}``, ``{year}``); ``decimal`` is the decimal mark.
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
        "competencies": "Competencies assessed",
        "issued_by": "Issued by",
        "code": "Certificate no.",
        "verify": "Verify this certificate at",
        "months": "January February March April May June July August September October "
        "November December",
        "date": "{day} {month} {year}",
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


class StaticFileFetcher(URLFetcher):
    """A WeasyPrint 70 URL fetcher that serves only files under ``root`` and ``data:`` URIs.

    ``file:`` URLs are resolved (``..`` and symbolic links included) and must land on a regular
    file inside ``root``; every other scheme (``http``, ``https``, ``ftp``…) is refused before
    any I/O. ``data:`` URIs are decoded here, not by urllib, so no network-capable handler is
    ever involved. ``fail_on_errors`` makes WeasyPrint stop on a refusal instead of logging a
    warning and rendering without the resource.
    """

    def __init__(self, root: Path = STATIC_DIR) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=True)
        self.root = root.resolve()

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        scheme, _, rest = url.partition(":")
        scheme = scheme.lower()
        if scheme == "data":
            return _decode_data_url(url, rest)
        if scheme == "file":
            path = self.resolve(url)
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), {"Content-Type": _content_type(path)}
            )
        raise URLRefusedError(f"refused to fetch {url!r}: only bundled static files are served")

    def resolve(self, url: str) -> Path:
        """The real path of a ``file:`` URL, or :class:`URLRefusedError` if outside ``root``."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise URLRefusedError(f"refused to fetch {url!r}: not a local file URL")
        try:
            path = Path(url2pathname(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            raise URLRefusedError(f"refused to fetch {url!r}: no such file") from exc
        if not path.is_relative_to(self.root) or not path.is_file():
            raise URLRefusedError(f"refused to fetch {url!r}: outside the static directory")
        return path


def _content_type(path: Path) -> str:
    """The media type of a static file; the usual ones are fixed so no server's
    ``/etc/mime.types`` can change how WeasyPrint reads them."""
    known = _CONTENT_TYPES.get(path.suffix.lower())
    return known or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


_CONTENT_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}


def _decode_data_url(url: str, rest: str) -> URLFetcherResponse:
    """Decode a ``data:`` URI (RFC 2397) without going through urllib's opener."""
    header, comma, payload = rest.partition(",")
    if not comma:
        raise URLRefusedError("malformed data: URI")
    body = unquote_to_bytes(payload)
    if header.endswith(";base64"):
        header = header.removesuffix(";base64")
        body = base64.b64decode(body)
    return URLFetcherResponse(url, body, {"Content-Type": header or "text/plain;charset=US-ASCII"})


#: The fetcher every render uses unless a test passes its own.
safe_url_fetcher = StaticFileFetcher()

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
) -> str:
    """The certificate as HTML, to be rendered with :func:`render_pdf`.

    ``logo_path`` is relative to ``static/`` (e.g. ``"img/logo.svg"``); ``labels`` overrides some
    or all of :data:`DEFAULT_LABELS` (e.g. French ones). Unknown label keys and a logo outside
    ``static/`` are errors, caught here rather than as a broken PDF.
    """
    merged = _merge_labels(labels)
    snapshot = printable_snapshot(snapshot)
    organisation = _print_text(organisation)
    name, _, role = snapshot.signatory.partition(",")
    # The URL may wrap on the printed page: prefer to break it just before the code.
    url_head, slash, url_tail = verify_url.rpartition("/")
    url_head += slash
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
        name_size=_size_class(snapshot.holder_name, (26, 36, 50, 80)),
        course_size=_size_class(snapshot.course_title, (48, 72, 100, 140)),
        syllabus_dense=_syllabus_weight(snapshot) > SYLLABUS_DENSE_ABOVE,
    )


def render_pdf(
    html: str,
    *,
    pdfa: bool = True,
    title: str = "",
    author: str = "",
    subject: str = "",
    created: datetime | None = None,
    url_fetcher: URLFetcher | None = None,
    attachments: Sequence[EmbeddedFile] = (),
) -> bytes:
    """Render certificate HTML to PDF bytes with the bundled fonts and the locked-down fetcher.

    ``pdfa`` produces PDF/A-3b (archival: fonts embedded, sRGB output intent, XMP metadata).
    ``title``, ``author`` and ``subject`` become the PDF's document information and XMP
    metadata; ``created`` becomes its creation and modification date, so the output depends only
    on the inputs. ``attachments`` are embedded (associated files in PDF/A-3), dated
    ``created``. ``url_fetcher`` exists for tests (e.g. a recording subclass of
    :class:`StaticFileFetcher`).
    """
    options: dict[str, Any] = {"pdf_variant": PDFA_VARIANT} if pdfa else {}
    fetcher = url_fetcher or safe_url_fetcher
    document_html = HTML(
        string=html,
        base_url=STATIC_DIR.resolve().as_uri() + "/",
        url_fetcher=fetcher,
    )
    try:
        document = document_html.render(font_config=FONT_CONFIG, **options)
        metadata = document.metadata
        metadata.title = title or metadata.title
        metadata.authors = [author] if author else metadata.authors
        metadata.description = subject or metadata.description
        if created is not None:
            metadata.created = metadata.modified = _w3c_datetime(created)
        files = [embedded.attachment(created, fetcher) for embedded in attachments]
        pdf: bytes = document.write_pdf(attachments=files, **options)
    except FatalURLFetchingError as exc:
        # WeasyPrint raises it as a BaseException; make it an ordinary, catchable error.
        raise CertificateRenderError(str(exc)) from exc
    return pdf


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
    html = render_certificate_html(snapshot, verify_url, organisation, logo_path, labels)
    snapshot = printable_snapshot(snapshot)
    return render_pdf(
        html,
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
    if len(merged["months"].split()) != 12:
        raise ValueError("the 'months' label must hold twelve month names")
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
    return segno.make(url, error="m", micro=False).svg_data_uri(dark=QR_INK, light=None, border=4)


def _number(value: float, labels: Mapping[str, str]) -> str:
    """``35`` rather than ``35.0``, and the label's decimal mark (``12,5`` in French)."""
    text = str(int(value)) if float(value).is_integer() else f"{value:g}"
    return text.replace(".", labels["decimal"])


def _score_text(score: float | None, labels: Mapping[str, str]) -> str | None:
    """``86%`` (one decimal at most), or ``None`` for a course without a scored assessment."""
    if score is None:
        return None
    return labels["score_value"].format(score=_number(round(score, 1), labels))


def _format_date(day: date, labels: Mapping[str, str]) -> str:
    month = labels["months"].split()[day.month - 1]
    return labels["date"].format(day=day.day, month=month, year=day.year)


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


def _size_class(text: str, limits: tuple[int, int, int, int]) -> str:
    """A size step for long text (``l`` … ``xxs``, see print.css), so it stays on one page."""
    for size, limit in zip(("l", "m", "s", "xs"), limits, strict=True):
        if len(text) <= limit:
            return size
    return "xxs"


def _syllabus_weight(snapshot: CertificateSnapshot) -> int:
    """Roughly how much room the modules and competencies need (a line costs ~25 chars)."""
    items = [*snapshot.modules, *snapshot.competencies]
    return sum(len(item) + 25 for item in items)
