"""A trainer opens a learner of their cohort, reads the measured learning time, downloads the
certificat de réalisation and the evidence pack, and both are opened and checked (pypdf for the
text, pdftoppm for a real rendering, zipfile for the pack) — in Chromium, axe-core on the page."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible
from tests.cohorts import conftest as cohort_fixtures
from tests.conftest import PASSWORD
from tests.proof.conftest import SLUG, write_proof_course

# The cohort tests' fixtures: a course, its cohort, its trainer and a member factory.
course = cohort_fixtures.course
cohort = cohort_fixtures.cohort
trainer = cohort_fixtures.trainer
member = cohort_fixtures.member


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    content = tmp_path / "content"
    write_proof_course(content)
    return {
        "WTF_CSRF_ENABLED": True,
        "COURSES_DIR": str(content),
        "ORGANISATION_NAME": "Centre Passerelle",
        "ORGANISATION_DECLARATION_NUMBER": "11 75 12345 75",
        "ORGANISATION_REPRESENTATIVE": "Claire Dubois",
        "ORGANISATION_CITY": "Lyon",
    }


def log_in(page, email: str) -> None:  # noqa: ANN001
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages
    )


def test_trainer_downloads_a_certificat_and_an_evidence_pack(
    page,
    app,
    cohort,
    member,
    trainer,
    tmp_path,
):
    from proof.recording import record
    from training.timeutil import utcnow

    learner = member(full_name="Inès Moreau")
    start = utcnow() - timedelta(days=1)
    # Yesterday: 8 minutes on module 1, then module 2 left open (the idle cap: 10 minutes).
    record(learner.id, SLUG, "module", "01-intro", at=start)
    record(learner.id, SLUG, "module", "02-practice", at=start + timedelta(minutes=8))

    log_in(page, trainer.email)
    page.goto(f"/cohorts/{cohort.id}/learners/{learner.id}")
    panel = page.get_by_role("region", name="Learning time")
    expect(panel.get_by_test_id("measured-time")).to_contain_text("18 min")
    expect(panel).to_contain_text("Declared duration (course plan)")
    assert_accessible(page, "proof-learner-time")

    with page.expect_download() as info:
        panel.get_by_role("link", name="Certificat de réalisation (PDF)").click()
    pdf_path = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf_path)
    pdf = pdf_path.read_bytes()
    text = text_of(pdf)
    for expected in ("Certificat de réalisation", "Inès Moreau", "11 75 12345 75", "Claire Dubois",
                     "Action de formation", "18 min", "Cohort course", "Lyon"):  # fmt: skip
        assert expected in text, expected
    if shutil.which("pdftoppm"):
        png = tmp_path / "realisation"
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", pdf_path, png],
                       check=True, timeout=60)  # fmt: skip
        rendered = next(tmp_path.glob("realisation*.png"))
        assert rendered.stat().st_size > 5_000  # a drawn page, not a blank one

    with page.expect_download() as info:
        panel.get_by_role("link", name="Evidence pack (ZIP)").click()
    zip_path = tmp_path / info.value.suggested_filename
    info.value.save_as(zip_path)
    archive = zipfile.ZipFile(zip_path)
    assert archive.testzip() is None
    assert {"README.txt", "activity.csv", "sessions.csv", "certificat-de-realisation.pdf",
            "attestation-de-fin-de-formation.pdf"} <= set(archive.namelist())  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(archive.read("activity.csv").decode("utf-8-sig"))))
    assert [r["key"] for r in rows] == ["01-intro", "02-practice"]
    assert "Inès Moreau" in text_of(archive.read("attestation-de-fin-de-formation.pdf"))
