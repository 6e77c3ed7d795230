"""The certificat de réalisation, the attestation de fin de formation, the evidence pack and
the cohort ZIP: real PDFs (WeasyPrint) read back with pypdf, real ZIPs read with zipfile."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timedelta

import pytest
import time_machine
import yaml
from pypdf import PdfReader

from tests.cohorts.conftest import quiz_attempt, roleplay_run
from tests.conftest import AuthActions
from tests.proof.conftest import SLUG

T0 = datetime(2026, 3, 2, 9, 0, 0)


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages
    )


@pytest.fixture
def studied(app, member):
    """A learner of the cohort who read for 7 + 10 minutes, passed a quiz and played a run."""
    learner = member(full_name="Léa Martin")
    client = app.test_client()
    with time_machine.travel(T0, tick=False) as traveller:
        AuthActions(client).login(learner.email)
        client.get(f"/courses/{SLUG}/01-intro")
        traveller.move_to(T0 + timedelta(minutes=7))
        client.get(f"/courses/{SLUG}/02-practice")
        traveller.move_to(T0 + timedelta(hours=2))
        quiz_attempt(
            learner, "01-intro", {"capital": 0, "round": True}, when=T0 + timedelta(minutes=30)
        )
        roleplay_run(learner, [], when=T0 + timedelta(minutes=40))
    return learner


def test_the_learner_downloads_a_certificat_de_realisation_with_the_model_fields(
    app, client, studied, login
):
    login(studied)
    response = client.get(f"/proof/{SLUG}/{studied.id}/realisation.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    for expected in (
        "Certificat de réalisation",
        "Centre Passerelle",  # organisation
        "11 75 12345 75",  # its declaration number
        "Claire Dubois",  # the representative who signs
        "Léa Martin",  # the learner
        "Cohort course",  # the title of the action
        "Action de formation",  # its nature
        "2 mars 2026",  # first recorded activity
        "17 min",  # measured: 7 min, then the idle cap of 10
        "Durée prévue au programme",  # the declared duration, labelled apart
        "Formation à distance",
        "Quiz",  # the assessed work proving assiduity
        "réussi",
        "100 %",
        # English labels beside the French: the course is in English
        "Realised duration (measured)",
    ):
        assert expected in text, expected
    assert "&nbsp;" not in text and "Assiduité : travaux réalisés" in text  # not escaped twice
    # Styled by static/proof/print.css (given by the renderer): only the bundled fonts print
    # (the ticked box is drawn: a ✓ glyph came from the server's DejaVu Sans).
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in PdfReader(io.BytesIO(response.data)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert {"Passerelle-Sans", "Passerelle-Sans-Bold"} <= fonts, fonts
    assert all(name.startswith("Passerelle-") for name in fonts), fonts


def test_a_french_course_prints_no_english_labels(app, client, studied, login, course):
    course_file = course.path / "course.yaml"
    data = yaml.safe_load(course_file.read_text("utf-8"))
    data["language"] = "fr"
    course_file.write_text(yaml.safe_dump(data), "utf-8")
    from courses.loader import get_catalogue

    assert get_catalogue(refresh=True).courses[SLUG].language == "fr"
    login(studied)
    text = pdf_text(client.get(f"/proof/{SLUG}/{studied.id}/realisation.pdf").data)
    assert "Durée réalisée (mesurée)" in text
    assert "Realised duration" not in text and "Learner" not in text


def test_the_attestation_states_objectives_nature_duration_and_results_per_block(
    app, client, studied, login
):
    login(studied)
    text = pdf_text(client.get(f"/proof/{SLUG}/{studied.id}/attestation.pdf").data)
    for expected in (
        "Attestation de fin de formation",
        "Welcome the public",  # objectives
        "Action de formation",
        "Durée réalisée (mesurée)",
        "17 min",
        "EP2",  # results per competency block
        "CCP2",
        "non acquis à ce jour",
        "Quiz",
    ):
        assert expected in text, expected


def test_the_cohort_trainer_downloads_the_evidence_pack(app, client, studied, trainer, login):
    login(trainer)
    response = client.get(f"/proof/{SLUG}/{studied.id}/evidence.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names == [
        "README.txt",
        "activity.csv",
        "sessions.csv",
        "time.csv",
        "certificat-de-realisation.pdf",
        "attestation-de-fin-de-formation.pdf",
    ]
    readme = archive.read("README.txt").decode("utf-8")
    for name in names[1:]:
        assert name in readme
    assert "6 ans / years" in readme
    rows = list(csv.DictReader(io.StringIO(archive.read("activity.csv").decode("utf-8-sig"))))
    kinds = [(r["kind"], r["activity"], r["key"]) for r in rows]
    assert kinds[:2] == [("request", "module", "01-intro"), ("request", "module", "02-practice")]
    assert rows[0]["at_utc"] == "2026-03-02 09:00:00"
    attempt = next(r for r in rows if r["kind"] == "quiz_attempt")
    assert attempt["score_percent"] == "100.0" and attempt["passed_or_outcome"] == "passed"
    run = next(r for r in rows if r["kind"] == "roleplay_run")
    assert run["key"] == "noise-dispute"
    sessions = list(csv.DictReader(io.StringIO(archive.read("sessions.csv").decode("utf-8-sig"))))
    assert [(s["start_utc"], s["measured_minutes"]) for s in sessions] == [
        ("2026-03-02 09:00:00", "17.0")
    ]
    times = list(csv.reader(io.StringIO(archive.read("time.csv").decode("utf-8-sig"))))
    assert ["module", "01-intro", "Module 01-intro", "7.0"] in times
    assert "Léa Martin" in pdf_text(archive.read("certificat-de-realisation.pdf"))


def test_the_cohort_zip_holds_one_certificat_per_member(
    app, client, studied, member, trainer, login
):
    other = member(full_name="Omar Benali")
    login(trainer)
    response = client.get(f"/cohorts/{studied_cohort_id(studied)}/realisation.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    texts = [pdf_text(archive.read(n)) for n in names]
    assert any("Léa Martin" in t for t in texts) and any("Omar Benali" in t for t in texts)
    assert other.id


def studied_cohort_id(learner) -> int:
    from training.cohort_access import cohorts_of_learner

    return cohorts_of_learner(learner.id)[0].id


def test_the_gradebook_exports_measured_hours(app, client, studied, trainer, login):
    login(trainer)
    data = client.get(f"/cohorts/{studied_cohort_id(studied)}/gradebook.csv").data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    column = rows[0].index("Measured learning time (hours)")
    assert rows[1][column] == "0.3"  # 17 minutes


def test_learner_and_trainer_see_measured_and_declared_time_apart(
    app, client, studied, trainer, login
):
    login(studied)
    page = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Measured learning time" in page and "17 min" in page
    assert "Declared duration (course plan)" in page
    trainer_client = app.test_client()
    AuthActions(trainer_client).login(trainer.email)
    page = trainer_client.get(
        f"/cohorts/{studied_cohort_id(studied)}/learners/{studied.id}"
    ).get_data(as_text=True)
    assert "Measured learning time" in page and "17 min" in page
    assert f"/proof/{SLUG}/{studied.id}/evidence.zip" in page


def test_someone_elses_documents_are_not_found(app, client, studied, make_user, login):
    stranger = make_user("learner")
    login(stranger)
    assert client.get(f"/proof/{SLUG}/{studied.id}/realisation.pdf").status_code == 404
    assert client.get(f"/proof/{SLUG}/{stranger.id}/realisation.pdf").status_code == 404
    assert client.get(f"/proof/nope/{stranger.id}/attestation.pdf").status_code == 404
