"""Render the certificat de réalisation and the attestation de fin de formation to PDF.

Same engine as course certificates (``certificates.pdf_engine``: bundled fonts, a URL fetcher
that serves only ``static/``, PDF/A-3b unless ``CERTIFICATE_PDFA`` is off); autoescaping Jinja
templates under ``templates/proof/``. Dates are written the French way (``2 mars 2026``),
numbers with the French decimal mark, whatever the page's language: the documents are French,
with English labels beside for an English course.
"""

from __future__ import annotations

from typing import Any

import jinja2
from flask import current_app

from certificates.pdf import DEFAULT_LOGO, TEMPLATES_DIR
from proof.documents import ProofFacts
from proof.durations import format_duration, hours_decimal
from training.dates import format_date
from training.numbers import format_number, format_percent

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
REALISATION = "proof/realisation_print.html"
ATTESTATION = "proof/attestation_print.html"


def _day(value: Any) -> str:
    return format_date(value, "fr") if value else ""


def _context(f: ProofFacts) -> dict[str, Any]:
    logo = current_app.config.get("ORGANISATION_LOGO") or DEFAULT_LOGO
    return {
        "f": f,
        "logo": logo,
        "dates": {"start": _day(f.start), "end": _day(f.end), "made_on": _day(f.made_on)},
        "realised": format_duration(f.realised_seconds),
        "realised_hours": format_number(hours_decimal(f.realised_seconds), "fr"),
        "declared": f"{format_number(f.declared_hours, 'fr')} h",
        "module_time": format_duration(sum(f.time.modules.values())),
        "idle_minutes": current_app.config.get("LEARNING_IDLE_MINUTES", 10),
        "overall": format_percent(f.overall_score, "fr") if f.overall_score is not None else "",
        "work": [
            {
                "kind": w.kind,
                "title": w.title,
                "state": w.state,
                "used": w.used,
                "score_text": format_percent(w.score, "fr") if w.score is not None else "—",
                "time_text": format_duration(w.seconds),
            }
            for w in f.work
        ],
        "blocks": [
            {
                "id": b.id,
                "title": b.title,
                "rncp": b.rncp,
                "met": b.met,
                "total": b.total,
                "attained": b.attained,
                "score_text": format_percent(b.score, "fr") if b.score is not None else "—",
            }
            for b in f.blocks
        ],
    }


def render_html(template: str, facts: ProofFacts) -> str:
    return _ENV.get_template(template).render(**_context(facts))


def _pdf(template: str, facts: ProofFacts, title: str) -> bytes:
    from certificates.pdf_engine import render_pdf

    return render_pdf(
        render_html(template, facts),
        stylesheet="proof/print.css",
        pdfa=bool(current_app.config.get("CERTIFICATE_PDFA", True)),
        title=f"{title} — {facts.learner_name}",
        author=facts.organisation.name,
        subject=facts.action_title,
        created=facts.made_at,
    )


def realisation_pdf(facts: ProofFacts) -> bytes:
    """The certificat de réalisation of one learner."""
    return _pdf(REALISATION, facts, "Certificat de réalisation")


def attestation_pdf(facts: ProofFacts) -> bytes:
    """The attestation de fin de formation of one learner."""
    return _pdf(ATTESTATION, facts, "Attestation de fin de formation")
