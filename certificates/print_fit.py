"""Does the certificate's syllabus end above its closing band (signature, seal, code, QR code)?

The page is A4 and fixed; what varies is how much text the syllabus (modules and competencies)
and the header (name, course title) hold. ``certificates.pdf`` first picks the syllabus's size
from an estimate (``SYLLABUS_LEVELS``); a course with many long module titles can still run
into the band, and what it would cover there is the code and QR code that make the certificate
verifiable. So the laid-out page is checked here, on WeasyPrint's boxes (no second render when
it fits, which is nearly always), and the next, smaller size is laid out when it does not.
When even the smallest does not fit, the modules go to a page 2 (``print_annex.html``), laid
out as a document of its own and joined after page 1, which then names how many there are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from certificates.print_columns import MODULE_CHARS_PER_LINE, balanced_columns

if TYPE_CHECKING:
    from certificates.pdf import CertificateSnapshot

#: Space kept between the syllabus and the band: 2 mm, in CSS px (96 per inch).
GAP_PX = 2 / 25.4 * 96
#: Above this :func:`_syllabus_weight`, modules and competencies print smaller from the first
#: layout (the bundled courses weigh 790 in English and 821 in French: both start dense, and
#: both fit at once, so issuing one lays the page out once).
SYLLABUS_DENSE_ABOVE = 750
#: The syllabus's sizes, largest first (CSS classes of ``.syllabus``): the estimate picks the
#: first; a page whose syllabus still runs into the closing band is laid out again at the next.
#: "annex", the last, lists the modules on a page 2.
SYLLABUS_LEVELS = ("", "dense", "compact", "annex")
ANNEX_TEMPLATE_NAME = "certificates/print_annex.html"


def estimated_syllabus_level(snapshot: CertificateSnapshot) -> str:
    """The syllabus size the modules' and competencies' length suggest (before layout)."""
    return "dense" if _syllabus_weight(snapshot) > SYLLABUS_DENSE_ABOVE else ""


def _syllabus_weight(snapshot: CertificateSnapshot) -> int:
    """Roughly how much room the modules and competencies need (a line costs ~25 chars)."""
    items = [*snapshot.modules, *snapshot.competencies]
    return sum(len(item) + 25 for item in items)


def layouts(
    snapshot: CertificateSnapshot,
    verify_url: str,
    organisation: str,
    logo_path: str | None,
    labels: Mapping[str, str] | None,
) -> Iterator[str | tuple[str, str]]:
    """The certificate's HTML at each syllabus size from the estimated one down (see
    :func:`ladder`)."""
    from certificates import pdf

    return ladder(
        estimated_syllabus_level(snapshot),
        lambda level: pdf.render_certificate_html(
            snapshot, verify_url, organisation, logo_path, labels, level
        ),
        (lambda: render_annex_html(snapshot, labels)) if snapshot.modules else None,
    )


def ladder(
    first: str, page_one: Callable[[str], str], list_page: Callable[[], str] | None
) -> Iterator[str | tuple[str, str]]:
    """Page 1's HTML at each size of ``SYLLABUS_LEVELS`` from ``first`` down, each made only when
    asked for; last (with a ``list_page``), page 1 with a note and the list's page 2."""
    for level in SYLLABUS_LEVELS[SYLLABUS_LEVELS.index(first) :]:
        if level != "annex":
            yield page_one(level)
        elif list_page is not None:
            yield page_one(level), list_page()


def render_annex_html(
    snapshot: CertificateSnapshot, labels: Mapping[str, str] | None = None
) -> str:
    """Page 2 of a certificate whose modules do not fit on page 1: the modules, in 2 columns."""
    from certificates import pdf

    snapshot = pdf.printable_snapshot(snapshot)
    merged = pdf._merge_labels(labels)
    return render_list_page(
        lang=merged["lang"],
        title=f"{snapshot.certificate_title} – {snapshot.holder_name}",
        heading=merged["modules"],
        holder_line=f"{snapshot.holder_name} — {snapshot.course_title}",
        code_line=f"{merged['code']} {snapshot.code}",
        items=snapshot.modules,
    )


def render_list_page(
    *, lang: str, title: str, heading: str, holder_line: str, code_line: str, items: Sequence[str]
) -> str:
    """A page 2 listing ``items`` in 2 numbered columns under the holder and the code (its
    fields already printable: see ``certificates.pdf.printable_snapshot``)."""
    from certificates import pdf

    return pdf._ENV.get_template(ANNEX_TEMPLATE_NAME).render(
        lang=lang,
        title=title,
        heading=heading,
        holder_line=holder_line,
        code_line=code_line,
        columns=balanced_columns(items, 2, MODULE_CHARS_PER_LINE["annex"]),
    )


def syllabus_clear(document: Any) -> bool:
    """True when the document is one page and each column of its syllabus ends ``GAP_PX`` above
    every part of the band below it (signature, seal, code, QR code) that it shares width with.
    """
    if len(document.pages) != 1:
        return False
    columns: list[tuple[float, float, float]] = []  # (left, right, bottom)
    parts: list[tuple[float, float, float]] = []  # (left, right, top)
    for box in _boxes(document.pages[0]._page_box):
        classes = _classes(box)
        if "syllabus" in classes:
            columns += [
                (b.position_x, b.position_x + b.margin_width(), b.position_y + b.margin_height())
                for b in _boxes(box)
                if b.element_tag in ("ol", "ul", "p") and b.margin_height() > 0
            ]
        elif "closing" in classes:
            for part in getattr(box, "children", ()):
                part = getattr(part, "_box", part)
                inside = [b for b in _boxes(part) if b.margin_height() > 0]
                if inside:
                    left = min(b.position_x for b in inside)
                    right = max(b.position_x + b.margin_width() for b in inside)
                    parts.append((left, right, min(b.position_y for b in inside)))
    return all(
        bottom + GAP_PX <= top
        for left, right, bottom in columns
        for part_left, part_right, top in parts
        if left < part_right and part_left < right
    )


def _boxes(box: Any) -> Iterator[Any]:
    """``box`` and everything laid out inside it, absolutely positioned boxes included (the
    layout keeps those behind a placeholder that ``descendants()`` does not open)."""
    box = getattr(box, "_box", box)
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _classes(box: Any) -> set[str]:
    element = getattr(box, "element", None)
    if element is None or box.element_tag not in ("section", "footer"):  # the two looked for
        return set()
    return set((element.get("class") or "").split())
