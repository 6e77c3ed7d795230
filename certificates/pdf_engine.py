"""The WeasyPrint side of certificate rendering: HTML in, PDF bytes out.

Kept apart from :mod:`certificates.pdf` so that nothing imports WeasyPrint (about a second of
start-up and tens of MiB per process: Pango, HarfBuzz, fontTools) until a PDF is really
rendered: a web worker that only streams stored PDFs, a CLI command or a test that never
renders never loads it. :func:`certificates.pdf.render_pdf` imports this module on first use.

What lives here: the locked-down URL fetcher (only files under ``static/`` and ``data:`` URIs),
the process-wide ``FontConfiguration`` (WeasyPrint caches the bundled ``@font-face`` fonts in
it, so they are loaded once per process, not on every render), the parsed print stylesheets
(parsing ``certificates/print.css`` was about a tenth of each render; a parsed ``CSS`` is only
read by the renders that use it) and :func:`render_pdf`.
"""

from __future__ import annotations

import base64
import functools
import mimetypes
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from certificates.pdf import (
    PDFA_VARIANT,
    STATIC_DIR,
    CertificateRenderError,
    EmbeddedFile,
    URLRefusedError,
    _w3c_datetime,
)

#: Shared by every render in this process (see the module docstring).
FONT_CONFIG = FontConfiguration()


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


@functools.lru_cache(maxsize=8)
def parsed_stylesheet(href: str, fetcher: URLFetcher, font_config: FontConfiguration) -> CSS:
    """The stylesheet at ``href`` (relative to ``static/``), parsed once per fetcher and font
    configuration: its ``@font-face`` fonts are registered in ``font_config`` and fetched
    through ``fetcher`` then, as they would be when a ``<link>`` is parsed at each render."""
    return CSS(
        url=STATIC_DIR.resolve().as_uri() + "/" + href, url_fetcher=fetcher, font_config=font_config
    )


def lay_out(
    html: str | tuple[str, ...],
    *,
    stylesheet: str | None = None,
    pdfa: bool = True,
    url_fetcher: URLFetcher | None = None,
) -> Document:
    """The laid-out document (pages and boxes, not yet written); from several HTML documents (a
    tuple), their pages joined in order."""
    options: dict[str, Any] = {"pdf_variant": PDFA_VARIANT} if pdfa else {}
    fetcher = url_fetcher or safe_url_fetcher
    sheets = [parsed_stylesheet(stylesheet, fetcher, FONT_CONFIG)] if stylesheet else []
    parts = [
        HTML(string=part, base_url=STATIC_DIR.resolve().as_uri() + "/", url_fetcher=fetcher).render(
            font_config=FONT_CONFIG, stylesheets=sheets, **options
        )
        for part in ((html,) if isinstance(html, str) else html)
    ]
    if len(parts) == 1:
        return parts[0]
    return parts[0].copy([page for part in parts for page in part.pages])


def render_pdf(
    html: str | tuple[str, ...],
    *,
    stylesheet: str | None = None,
    pdfa: bool = True,
    title: str = "",
    author: str = "",
    subject: str = "",
    created: datetime | None = None,
    url_fetcher: URLFetcher | None = None,
    attachments: Sequence[EmbeddedFile] = (),
    fits: Callable[[Document], bool] | None = None,
    alternatives: Iterable[str | tuple[str, ...]] = (),
) -> bytes:
    """Render certificate HTML to PDF bytes with the bundled fonts and the locked-down fetcher.

    ``html`` may be several documents (a tuple), whose pages are joined in order. With ``fits``,
    a laid-out document that does not fit is dropped for the next of ``alternatives`` (HTML
    made only when needed), until one fits or none is left; the last is written then.

    ``stylesheet`` is the print stylesheet (a path under ``static/``; the templates link none,
    see :func:`parsed_stylesheet`). ``pdfa`` produces PDF/A-3b (archival: fonts embedded, sRGB
    output intent, XMP metadata).
    ``title``, ``author`` and ``subject`` become the PDF's document information and XMP
    metadata; ``created`` becomes its creation and modification date, so the output depends only
    on the inputs. ``attachments`` are embedded (associated files in PDF/A-3), dated
    ``created``. ``url_fetcher`` exists for tests (e.g. a recording subclass of
    :class:`StaticFileFetcher`).
    """
    options: dict[str, Any] = {"pdf_variant": PDFA_VARIANT} if pdfa else {}
    fetcher = url_fetcher or safe_url_fetcher
    try:
        document = lay_out(html, stylesheet=stylesheet, pdfa=pdfa, url_fetcher=fetcher)
        if fits is not None:
            for alternative in alternatives:
                if fits(document):
                    break
                document = lay_out(
                    alternative, stylesheet=stylesheet, pdfa=pdfa, url_fetcher=fetcher
                )
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
