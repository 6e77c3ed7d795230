"""Certificate pages over HTTP: downloads and who may get them, verification (page, JSON,
code form, PDF upload), revocation, my certificates and reissue, the cohort ZIP."""

from __future__ import annotations

import io
import zipfile

import pytest

from certificates import services
from tests.certificates.helpers import make_cohort
from tests.conftest import AuthActions
from training.extensions import db


@pytest.fixture
def holder(make_user):  # noqa: ANN001, ANN201
    return make_user("learner", full_name="Amina Diallo")


@pytest.fixture
def certificate(holder, course):  # noqa: ANN001, ANN201
    return services.issue(holder, course)


def login(client, user) -> None:  # noqa: ANN001
    response = AuthActions(client).login(user.email)
    assert response.status_code == 302


# --- Downloads -------------------------------------------------------------------------------


def test_holder_downloads_the_same_stored_bytes(client, holder, certificate):
    login(client, holder)
    url = f"/certificates/{certificate.code}.pdf"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == 200 and second.status_code == 200
    assert first.data == second.data == certificate.pdf
    assert first.mimetype == "application/pdf"
    disposition = first.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert f"certificate-mini-amina-diallo-{certificate.code[:8]}.pdf" in disposition
    assert first.headers["ETag"] == f'"{certificate.pdf_sha256}"'
    cached = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304 and cached.data == b""


def test_hostile_name_gives_a_safe_filename(client, make_user, course):
    user = make_user("learner", full_name='<img src="file:///etc/passwd">"; x=y')
    certificate = services.issue(user, course)
    login(client, user)
    disposition = client.get(f"/certificates/{certificate.code}.pdf").headers["Content-Disposition"]
    assert disposition == (
        f'attachment; filename="certificate-mini-img-src-file-etc-passwd-x-y-'
        f'{certificate.code[:8]}.pdf"'
    )


def test_download_access(client, app, make_user, holder, certificate):
    url = f"/certificates/{certificate.code}.pdf"
    assert client.get(url).status_code == 404  # anonymous

    own_trainer = make_user("trainer")
    other_trainer = make_user("trainer")
    make_cohort(own_trainer, [holder])
    make_cohort(other_trainer, [make_user("learner")])
    cases = [
        (make_user("learner"), 404),
        (other_trainer, 404),
        (own_trainer, 200),
        (make_user("admin"), 200),
    ]
    for user, expected in cases:
        other = app.test_client()
        login(other, user)
        response = other.get(url)
        assert response.status_code == expected, user.role
        if expected == 200:
            assert response.data == certificate.pdf


def test_unknown_certificate_download_is_404(client, holder):
    login(client, holder)
    assert client.get("/certificates/doesnotexist.pdf").status_code == 404


# --- Verification ----------------------------------------------------------------------------


def test_verify_valid(client, certificate):
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "This certificate is valid." in html
    assert "Amina Diallo" in html
    assert "Mini mediation course" in html
    assert "3.5 hours" in html
    assert "Passerelle test centre" in html
    assert certificate.pdf_sha256 in html
    assert "Revoke" not in html  # anonymous


def test_hostile_name_is_escaped_on_the_verify_page(client, make_user, course):
    user = make_user("learner", full_name='<img src="file:///etc/passwd">')
    certificate = services.issue(user, course)
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert '<img src="file:' not in html


def test_verify_json(client, certificate):
    data = client.get(f"/verify/{certificate.code}.json").get_json()
    assert data["status"] == "valid"
    assert data["holder"] == "Amina Diallo"
    assert data["course"] == "Mini mediation course"
    assert data["hours"] == 3.5
    assert data["completed_on"] == certificate.completed_on.isoformat()
    assert data["issuer"] == "Passerelle test centre"
    assert data["pdf_sha256"] == certificate.pdf_sha256


def test_verify_revoked_shows_date_and_reason(client, certificate):
    services.revoke(certificate, None, "Identity fraud")
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "This certificate was revoked on" in html
    assert certificate.revoked_at.strftime("%B") in html
    assert "Identity fraud" in html
    assert "This certificate is valid." not in html
    data = client.get(f"/verify/{certificate.code}.json").get_json()
    assert data["status"] == "revoked" and data["valid"] is False
    assert data["revoke_reason"] == "Identity fraud"
    assert data["revoked_at"].startswith(certificate.revoked_at.date().isoformat())


def test_verify_superseded_links_to_the_current_one(client, holder, certificate):
    from training import accounts

    accounts.update_profile(holder, holder.display_name, "Amina Diallo-Martin")
    [new] = services.reissue_for_name_change(holder, holder)
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "This certificate was replaced by a newer one." in html
    assert f'href="/verify/{new.code}"' in html
    assert client.get(f"/verify/{certificate.code}.json").get_json()["superseded_by"] == new.code


def test_unknown_code_reveals_nothing(client, certificate):
    response = client.get("/verify/thisisnotacode")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    json_response = client.get("/verify/thisisnotacode.json")
    assert json_response.status_code == 404
    assert json_response.get_json() == {"error": "Page not found", "status": 404}


def test_code_form_redirects_or_says_not_found(client, certificate):
    assert client.get("/verify").status_code == 200
    typed = certificate.code.upper()
    response = client.get("/verify", query_string={"code": f" {typed} "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{certificate.code}")
    missing = client.get("/verify", query_string={"code": "abcdef"})
    assert missing.status_code == 404
    assert "No certificate has this code" in missing.get_data(as_text=True)


def upload(client, data: bytes):  # noqa: ANN001, ANN201
    return client.post(
        "/verify",
        data={"pdf": (io.BytesIO(data), "certificate.pdf")},
        content_type="multipart/form-data",
    )


def test_upload_exact_pdf_matches(client, certificate):
    html = upload(client, certificate.pdf).get_data(as_text=True)
    assert "This file is exactly a certificate we issued." in html
    assert f"/verify/{certificate.code}" in html


def test_upload_modified_pdf_does_not_match(client, certificate):
    tampered = bytearray(certificate.pdf)
    tampered[200] ^= 0xFF  # flip one byte (in the page content, not the embedded credential)
    html = upload(client, bytes(tampered)).get_data(as_text=True)
    assert "This file is not byte for byte a certificate we issued." in html
    assert "This file is exactly" not in html
    # Checked the other way too: the credential inside is still the genuine one, and the page
    # says only the credential is vouched for.
    assert "This credential is genuine" in html
    assert f"/verify/{certificate.code}" in html
    assert "only the credential is vouched for" in html


def test_upload_without_file_shows_an_error(client):
    response = client.post("/verify", data={}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Choose the file to check." in response.get_data(as_text=True)


# --- Revocation over HTTP --------------------------------------------------------------------


def test_trainer_of_the_cohort_revokes_from_the_verify_page(client, make_user, holder, course):
    trainer = make_user("trainer")
    make_cohort(trainer, [holder])
    certificate = services.issue(holder, course)  # earned in the trainer's cohort
    login(client, trainer)
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Revoke this certificate" in page
    assert client.post(f"/certificates/{certificate.code}/revoke", data={}).status_code == 400
    response = client.post(
        f"/certificates/{certificate.code}/revoke", data={"reason": "Assessment not valid"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert services.get_by_code(certificate.code).status == "revoked"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Assessment not valid" in page
    # the history names each event; the code stays in the title
    history = page.split('id="history-title"')[1].split("</section>")[0]
    assert 'title="certificate.revoke"' in history and "Certificate revoked</span>" in history
    assert "Certificate issued</span>" in history and "<code>" not in history


def test_others_cannot_revoke(app, make_user, holder, certificate):
    other_trainer = make_user("trainer")
    make_cohort(other_trainer, [make_user("learner")])
    for user in (holder, other_trainer, make_user("learner")):
        client = app.test_client()
        login(client, user)
        assert "Revoke this certificate" not in client.get(f"/verify/{certificate.code}").text
        response = client.post(f"/certificates/{certificate.code}/revoke", data={"reason": "x"})
        assert response.status_code == 404
    assert services.get_by_code(certificate.code).status == "valid"


# --- My certificates and reissue -------------------------------------------------------------


def test_my_certificates_and_reissue_after_a_name_change(client, holder, certificate):
    login(client, holder)
    html = client.get("/certificates").get_data(as_text=True)
    assert "Mini mediation course" in html
    assert f"/certificates/{certificate.code}.pdf" in html
    assert f"/verify/{certificate.code}" in html
    assert "Reissue with my current name" not in html

    # Changing the name on the account page does not touch the certificate…
    client.post(
        "/account",
        data={"profile-display_name": "Amina", "profile-full_name": "Amina Diallo-Martin"},
    )
    db.session.expire_all()
    assert services.get_by_code(certificate.code).holder_name == "Amina Diallo"
    html = client.get("/certificates").get_data(as_text=True)
    assert "Reissue with my current name" in html
    # …until the learner asks for it.
    assert client.post("/certificates/reissue").status_code == 302
    db.session.expire_all()
    current = services.find_current(holder.id, "mini")
    assert current.holder_name == "Amina Diallo-Martin"
    assert services.get_by_code(certificate.code).status == "superseded"
    html = client.get("/certificates").get_data(as_text=True)
    assert "Reissue with my current name" not in html
    assert "Superseded" in html


def test_my_certificates_needs_login(client):
    assert client.get("/certificates").status_code == 302


def test_my_certificates_empty(client, login_as):
    login_as("learner")
    assert "You have no certificate yet." in client.get("/certificates").text


# --- Cohort ZIP -----------------------------------------------------------------------------


def test_cohort_zip_from_stored_pdfs(app, client, make_user, course):
    trainer = make_user("trainer")
    members = [make_user("learner", full_name=f"Member {n}") for n in range(3)]
    cohort = make_cohort(trainer, members)
    first = services.issue(members[0], course)
    second = services.issue(members[1], course)
    services.revoke(services.issue(members[2], course), None, "Revoked: left out of the ZIP")
    services.issue(make_user("learner"), course)  # not in the cohort
    url = f"/cohorts/{cohort.id}/certificates.zip"

    login(client, trainer)
    response = client.get(url)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="certificates-')
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None  # every entry's CRC checks out
    # PDFs are already compressed: stored as they are, named after their holder, in name order.
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    assert [archive.read(name) for name in archive.namelist()] == [first.pdf, second.pdf]
    assert archive.namelist() == [services.pdf_filename(first), services.pdf_filename(second)]
    # Dated by the issue time (ZIP times count in steps of two seconds).
    issued = first.issued_at.timetuple()[:6]
    assert archive.infolist()[0].date_time == (*issued[:5], issued[5] - issued[5] % 2)

    admin = app.test_client()
    login(admin, make_user("admin"))
    assert admin.get(url).status_code == 200
    for user in (make_user("trainer"), members[0]):
        other = app.test_client()
        login(other, user)
        assert other.get(url).status_code == 404
    assert app.test_client().get(url).status_code == 404
    assert client.get("/cohorts/999999/certificates.zip").status_code == 404


def test_cohort_zip_streams_many_certificates_in_batches(
    app, client, make_user, course, monkeypatch
):
    from certificates import export

    monkeypatch.setattr(export, "BATCH", 2)  # five certificates: three batches
    trainer = make_user("trainer")
    members = [make_user("learner", full_name=f"Holder {n}") for n in range(5)]
    cohort = make_cohort(trainer, members)
    issued = [services.issue(member, course) for member in members]
    login(client, trainer)

    response = client.get(f"/cohorts/{cohort.id}/certificates.zip")
    chunks = list(response.response)
    assert len(chunks) >= len(issued) + 1  # an entry per chunk, then the central directory
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    assert [archive.read(n) for n in archive.namelist()] == [c.pdf for c in issued]


def test_cohort_zip_gives_sqlites_page_cache_back_after_each_batch(
    app, make_user, course, monkeypatch
):
    """On SQLite the PDF pages read for a batch are let go before the next (PRAGMA
    shrink_memory, see certificates/export.py); PostgreSQL caches in its server."""
    from sqlalchemy import event

    from certificates import export

    monkeypatch.setattr(export, "BATCH", 2)
    members = [make_user("learner", full_name=f"Holder {n}") for n in range(5)]
    ids = [services.issue(member, course).id for member in members]
    statements: list[str] = []

    def spy(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        data = b"".join(export.zip_chunks(ids))
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 5
    shrinks = statements.count("PRAGMA shrink_memory")
    assert shrinks == (3 if db.engine.dialect.name == "sqlite" else 0), statements


def test_cohort_zip_of_a_cohort_without_certificates_is_an_empty_archive(client, make_user, course):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer, [make_user("learner")])
    login(client, trainer)
    response = client.get(f"/cohorts/{cohort.id}/certificates.zip")
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(response.data)).namelist() == []


def test_cohort_zip_leaves_no_garbage_per_batch(app, make_user, course, monkeypatch):
    # Memory must not creep up with the number of batches (issue 19, item 3): the ORM result
    # machinery left reference cycles per query, kept until the collector ran.
    import gc

    from certificates import export

    members = [make_user("learner", full_name=f"Holder {n}") for n in range(6)]
    ids = [services.issue(member, course).id for member in members]

    def garbage_left(batch: int) -> int:
        monkeypatch.setattr(export, "BATCH", batch)
        with app.test_request_context():
            gc.collect()
            # What lived before is set aside: the collections below look only at objects made
            # since, not at the whole heap of a long test process (seconds per collection).
            gc.freeze()
            gc.disable()
            try:
                archive = b"".join(export.zip_chunks(ids))
                found = gc.collect()
            finally:
                gc.enable()
                gc.unfreeze()
        assert zipfile.ZipFile(io.BytesIO(archive)).testzip() is None
        return found

    garbage_left(6)  # the statements compiled and cached once
    assert garbage_left(1) == garbage_left(6)  # six batches, then one
