"""Block attestations: issued once a block is attained, frozen, verifiable, one per double click."""

from __future__ import annotations

import io
import threading

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from blocks import issuing
from blocks.models import BlockAttestation
from certificates.pdf import sha256_hex
from tests.certificates.conftest import enrol, read_modules, take_quiz
from tests.support.pdfa import pdfa3b_problems
from training.audit import AuditEvent
from training.extensions import db
from training.models import User


def attain_b1(user, course) -> None:  # noqa: ANN001
    enrol(user, course)
    read_modules(user, course, ["01-intro"])
    take_quiz(user, course, "01-intro", right=2)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_block_not_attained_gives_no_attestation(make_user, course):
    learner = make_user()
    enrol(learner, course)
    read_modules(learner, course, ["01-intro"])
    with pytest.raises(issuing.BlockNotAttained):
        issuing.issue(learner, course, "B1")
    with pytest.raises(LookupError):
        issuing.issue(learner, course, "B9")
    assert db.session.scalar(select(func.count()).select_from(BlockAttestation)) == 0


def test_an_attained_block_gives_a_frozen_attestation(make_user, course):
    learner = make_user(full_name="Awa Diallo")
    attain_b1(learner, course)
    attestation = issuing.issue(learner, course, "B1")
    assert attestation.block_id == "B1" and attestation.is_valid
    assert attestation.block_title == "Welcome and information"
    assert attestation.rncp == "RNCP37240"
    assert attestation.requirements == [
        "Module: Introduction to mediation",
        "Quiz: Introduction to mediation",
    ]
    assert attestation.score_percent == 100.0
    assert attestation.pdf_sha256 == sha256_hex(attestation.pdf)
    text = pdf_text(attestation.pdf)
    assert "Awa Diallo" in text and "BLOCK ATTESTATION" in text  # the title is in capitals
    assert "partial validation by block" in text.lower()
    assert attestation.code in text.replace("\n", "")
    # Issuing again returns the same one; a later name change does not reach it.
    learner.full_name = "Awa Diallo-Sow"
    db.session.commit()
    again = issuing.issue(learner, course, "B1")
    assert again.id == attestation.id and again.holder_name == "Awa Diallo"
    events = db.session.scalars(select(AuditEvent)).all()
    assert [e.action for e in events if e.action.startswith("block_")] == [issuing.AUDIT_ISSUE]


def test_two_simultaneous_requests_give_one_attestation(app, make_user, course, monkeypatch):
    learner = make_user()
    attain_b1(learner, course)
    learner_id = learner.id
    barrier = threading.Barrier(2, timeout=30)
    real_render = issuing.render
    rendered: list[str] = []

    def render_then_wait(snapshot, language):  # noqa: ANN001, ANN202
        pdf = real_render(snapshot, language)
        rendered.append(snapshot.code)
        barrier.wait()  # both passed the "already issued?" check: race to INSERT
        return pdf

    monkeypatch.setattr(issuing, "render", render_then_wait)
    codes: list[str] = []
    errors: list[BaseException] = []

    def in_thread() -> None:
        try:
            with app.app_context():
                codes.append(issuing.issue(db.session.get(User, learner_id), course, "B1").code)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(set(rendered)) == 2
    assert len(codes) == 2 and codes[0] == codes[1]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(BlockAttestation)) == 1


def test_the_attestation_is_pdfa(app, make_user, course):
    app.config["CERTIFICATE_PDFA"] = True  # the tests' default is off (faster renders)
    learner = make_user()
    attain_b1(learner, course)
    attestation = issuing.issue(learner, course, "B1")
    assert pdfa3b_problems(attestation.pdf) == []


def test_learner_downloads_and_the_public_page_says_partial_validation(
    client, auth, make_user, course
):
    learner = make_user(full_name="Lina Martin")
    attain_b1(learner, course)
    auth.login(learner.email)
    page = client.get("/courses/mini").get_data(as_text=True)
    assert "Competency blocks" in page and "Get the block attestation (PDF)" in page
    # B2 is not attained: no button for it, and a POST is refused with a message.
    refused = client.post("/courses/mini/blocks/B2/attestation", follow_redirects=True)
    assert "not attained yet" in refused.get_data(as_text=True)
    assert client.post("/courses/mini/blocks/B9/attestation").status_code == 404

    first = client.post("/courses/mini/blocks/B1/attestation")
    second = client.post("/courses/mini/blocks/B1/attestation")  # a double click
    assert first.status_code == 302 and first.location == second.location
    assert db.session.scalar(select(func.count()).select_from(BlockAttestation)) == 1
    download = client.get(first.location)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data.startswith(b"%PDF")
    attestation = db.session.scalars(select(BlockAttestation)).one()
    assert (
        f"block-b1-lina-martin-{attestation.code[:8]}.pdf"
        in download.headers["Content-Disposition"]
    )

    auth.logout()
    public = client.get(f"/verify/{attestation.code}")
    text = public.get_data(as_text=True)
    assert public.status_code == 200
    assert "This block attestation is valid." in text
    assert "Partial validation by block." in text and "Lina Martin" in text
    assert attestation.pdf_sha256 in text
    as_json = client.get(f"/verify/{attestation.code}.json").get_json()
    assert as_json["kind"] == "block_attestation" and as_json["partial_validation"] is True
    assert as_json["block"] == {"id": "B1", "title": "Welcome and information", "rncp": "RNCP37240"}
    typed = client.get("/verify", query_string={"code": attestation.code.upper()})
    assert typed.status_code == 302 and typed.location.endswith(f"/verify/{attestation.code}")
    # Anonymous: the page, not the PDF.
    assert client.get(f"/attestations/{attestation.code}.pdf").status_code == 404


def french_snapshot(**changes: object) -> issuing.AttestationSnapshot:
    """The attestation of a French course's block, as frozen at issue."""
    from datetime import datetime

    fields: dict[str, object] = {
        "code": "abc",
        "holder_name": "Awa Diallo",
        "course_title": "Préparation au CAP",
        "course_slug": "mini",
        "block_id": "EP2",
        "block_title": "Prévention et médiation",
        "rncp": "RNCP37240",
        "requirements": ["Quiz : Comprendre le conflit"],
        "score_percent": 86.5,
        "attained_on": datetime(2026, 12, 1).date(),
        "issuer": "Centre de formation Passerelle",
        "signatory": "Claire Fontaine, directrice de la formation",
        "issued_at": datetime(2026, 12, 1, 10, 0),
    }
    return issuing.AttestationSnapshot(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_french_course_prints_french_labels(app, make_user, course):
    snapshot = french_snapshot()
    html = issuing.render_html(snapshot, "fr")
    assert '<html lang="fr">' in html
    assert "Attestation de bloc de compétences" in html
    assert "Validation partielle, par bloc, de la certification (RNCP37240)" in html
    assert "1er décembre 2026" in html and "86,5\u00a0%" in html


def test_the_french_title_prints_on_one_line_above_a_clear_signature(app):
    """ "Attestation de bloc de compétences" at the certificate title's full size took two lines
    and pushed the requirements onto the signature; it is set a size smaller, and the
    requirements carry their numbers only (no list bullet beside them)."""
    snapshot = french_snapshot(
        requirements=["Quiz : Comprendre le conflit", "Jeu de rôle : Le hall", "Module 3 lu"]
    )
    html = issuing.render_html(snapshot, "fr")
    assert '<h1 class="title size-m">' in html
    page = PdfReader(io.BytesIO(issuing.render(snapshot, "fr"))).pages[0]
    lines = page.extract_text().splitlines()
    assert "ATTESTATION DE BLOC DE COMPÉTENCES" in lines, lines
    # Where each text starts on the page (the text matrix times the current matrix, y up).
    heights: dict[str, float] = {}

    def note(text, cm, tm, font, size):  # noqa: ANN001
        if text.strip():
            heights.setdefault(text.strip(), tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=note)
    signatory = next(y for text, y in heights.items() if text.startswith("Claire Fontaine"))
    last = next(y for text, y in heights.items() if text.startswith("Module 3 lu"))
    assert last > signatory + 20, (last, signatory)  # PDF y grows upwards; 20 pt apart at least


# A block with many requirements (the bundled course's EP2 has 23) ------------------------------


def _requirements(count: int) -> list[str]:
    return [f"Jeu de rôle : une situation de médiation numéro {n}" for n in range(1, count + 1)]


def test_requirements_print_in_columns_that_clear_the_signature(app, monkeypatch):
    from certificates import pdf, print_fit

    results: list[bool] = []

    def recording(document: object) -> bool:
        results.append(print_fit.syllabus_clear(document))
        return results[-1]

    monkeypatch.setattr(pdf, "syllabus_clear", recording)
    data = issuing.render(french_snapshot(requirements=_requirements(8)), "fr")
    assert results[-1] is True and len(results) > 1  # laid out again, smaller, until clear
    (page,) = PdfReader(io.BytesIO(data)).pages
    assert "numéro 8" in page.extract_text()


def test_requirements_that_fit_at_no_size_are_listed_on_page_two(app):
    app.config["CERTIFICATE_PDFA"] = True  # two documents joined: still one archival PDF
    requirements = _requirements(23)
    data = issuing.render(french_snapshot(requirements=requirements), "fr")
    assert pdfa3b_problems(data) == []
    first, second = (" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert "23 évaluations, liste en page 2" in first.replace("\u00a0", " ")
    assert "numéro" not in first and "Awa Diallo" in first
    assert "Awa Diallo" in second and "abc" in second  # the holder and the attestation's code
    for requirement in requirements:
        assert requirement in second
