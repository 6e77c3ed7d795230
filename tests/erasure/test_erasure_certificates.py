"""The holder's choice for their certificates, seen where third parties see it: the public
verification page, its JSON, and a PDF copy uploaded for checking."""

from __future__ import annotations

import html
import io

from sqlalchemy import select

from certificates.models import Certificate
from credentials.models import IssuedCredential
from privacy import erasure
from privacy.erasure_rules import ERASED_NAME
from tests.erasure.conftest import EMAIL, FULL_NAME, complete_everything
from training.extensions import db


def _certificate(learner) -> Certificate:  # noqa: ANN001
    return db.session.execute(
        select(Certificate).where(Certificate.user_id == learner.id)
    ).scalar_one()


def _page(client, code: str) -> str:  # noqa: ANN001
    response = client.get(f"/verify/{code}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _upload(client, pdf: bytes) -> str:  # noqa: ANN001
    response = client.post(
        "/verify", data={"pdf": (io.BytesIO(pdf), "certificate.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    return html.unescape(response.get_data(as_text=True))


def test_kept_certificates_stay_verifiable_exactly_as_issued(app, client, learner, cohort, course):
    complete_everything(learner, course)
    certificate = _certificate(learner)
    code, pdf, sha = certificate.code, certificate.pdf, certificate.pdf_sha256
    jwt = db.session.execute(select(IssuedCredential.jwt)).scalar_one()
    before = client.get(f"/verify/{code}.json").get_json()
    assert before["status"] == "valid" and before["holder"] == FULL_NAME

    report = erasure.erase_user(learner.id, actor_id=None, reason=None, keep_certificates=True)
    assert report.certificates_kept == [code] and report.certificates_revoked == []
    db.session.expire_all()

    after = client.get(f"/verify/{code}.json").get_json()
    assert after == before  # nothing about the certificate changed
    page = _page(client, code)
    assert "This certificate is valid." in page and FULL_NAME in page
    assert EMAIL not in page
    certificate = _certificate(learner)
    assert (certificate.pdf, certificate.pdf_sha256) == (pdf, sha)
    assert db.session.execute(select(IssuedCredential.jwt)).scalar_one() == jwt
    checked = _upload(client, pdf)
    assert "This file is exactly a certificate we issued." in checked
    assert f"Certificate of {FULL_NAME}" in checked


def test_revoked_certificates_say_so_and_keep_nothing_of_the_holder(
    app, client, learner, cohort, course, make_user, auth
):
    complete_everything(learner, course)
    certificate = _certificate(learner)
    code, pdf = certificate.code, certificate.pdf

    report = erasure.erase_user(learner.id, actor_id=None, reason=None, keep_certificates=False)
    assert report.certificates_revoked == [code]
    db.session.expire_all()

    data = client.get(f"/verify/{code}.json").get_json()
    assert data["status"] == "revoked"
    assert data["revoke_reason"] == "holder's request"
    assert data["holder"] == ERASED_NAME
    assert data["credential"]["status"] == "revoked"
    page = _page(client, code)
    assert "This certificate was revoked on" in page and "holder's request" in page
    assert FULL_NAME not in page
    # A copy of the PDF that someone kept is still recognised, as revoked.
    checked = _upload(client, pdf)
    assert "This file is exactly a certificate we issued." in checked
    assert f"Certificate of {ERASED_NAME}" in checked
    assert "This credential is genuine but it was revoked." in checked
    # The stored copies are gone, even for an admin.
    admin = make_user("admin")
    auth.login(admin.email)
    assert client.get(f"/certificates/{code}.pdf").status_code == 404
    assert client.get(f"/certificates/{code}/credential.jwt").status_code == 404
    assert client.get(f"/certificates/{code}/credential.json").status_code == 404
