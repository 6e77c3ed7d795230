"""A certificate prints in its edition's language: the French edition of the bundled course gives
a French certificate whose PDF says /Lang (fr), read back as text and rendered by pdftoppm."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pypdf
import pytest

from certificates import services
from certificates.issuing import labels_for
from courses.loader import get_course

PNG_DIR = Path("/tmp/passerelle-edition-certificates")  # kept to look at after the run


@pytest.fixture
def app_config() -> dict[str, object]:
    return {}  # the bundled editions


def issue(make_user, slug: str):
    course = get_course(slug)
    learner = make_user("learner", full_name="Aïcha Benali-Durand", language="en")
    trainer = make_user("trainer")
    return course, services.issue(
        learner, course, completed_on=date(2026, 11, 27), issued_by=trainer
    )


def pdf_lang(data: bytes) -> str:
    return str(pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"].get("/Lang"))


def test_the_french_edition_prints_a_french_certificate(app, make_user):
    course, certificate = issue(make_user, "cap-apm-fr")
    assert course.language == "fr" and certificate.language == "fr"
    assert pdf_lang(certificate.pdf) == "fr"
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(certificate.pdf)).pages
    )
    labels = labels_for("fr")
    for expected in (labels["certifies"], labels["completed"], "27 novembre 2026"):
        assert expected in text, text
    assert labels["hours_value"].format(hours=f"{course.hours:g}") in text
    assert "Aïcha Benali-Durand" in text and course.title in text
    assert "This certifies that" not in text and "COMPLETED ON" not in text


def test_the_english_edition_prints_an_english_certificate(app, make_user):
    _, certificate = issue(make_user, "cap-apm")
    PNG_DIR.mkdir(exist_ok=True)
    (PNG_DIR / "cap-apm.pdf").write_bytes(certificate.pdf)
    assert certificate.language == "en"
    assert pdf_lang(certificate.pdf) == "en"


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs pdftoppm (poppler-utils)")
def test_the_french_certificate_renders_to_one_page(app, make_user, tmp_path):
    _, certificate = issue(make_user, "cap-apm-fr")
    pdf = tmp_path / "attestation.pdf"
    pdf.write_bytes(certificate.pdf)
    PNG_DIR.mkdir(exist_ok=True)
    prefix = PNG_DIR / "cap-apm-fr"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True)
    pages = sorted(PNG_DIR.glob("cap-apm-fr*.png"))
    assert len(pages) == 1, pages  # one page, nothing pushed onto a second
    assert pages[0].read_bytes().startswith(b"\x89PNG")
    assert pages[0].stat().st_size > 20_000  # a rendered page, not a blank one


@pytest.mark.parametrize("slug", ["cap-apm", "cap-apm-fr"])
def test_the_bundled_certificates_fit_at_their_first_layout(app, make_user, monkeypatch, slug):
    """Nothing runs into the signature, seal, code or QR code, and issuing lays the page out
    once (certificates/print_fit.py; the English edition's QR code once covered a competency)."""
    from certificates import pdf, print_fit

    results: list[bool] = []
    check = print_fit.syllabus_clear

    def recording(document: object) -> bool:
        results.append(check(document))
        return results[-1]

    monkeypatch.setattr(pdf, "syllabus_clear", recording)
    _, certificate = issue(make_user, slug)
    assert results == [True]
    assert len(pypdf.PdfReader(io.BytesIO(certificate.pdf)).pages) == 1
