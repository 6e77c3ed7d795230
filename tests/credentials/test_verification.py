"""Checking a credential we are shown: genuine, tampered, signed with a wrong key, signed with an
expired key; as a file uploaded on /verify, inside a PDF, and with ``flask credentials verify``."""

from __future__ import annotations

import io
import json
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from credentials import keys, signing, verification
from credentials.verification import Reason
from tests.credentials.helpers import b64url_encode, parts


def jwt_of(certificate) -> str:  # noqa: ANN001
    from credentials import services

    return services.credential_of_certificate(certificate.id).jwt


def forge(token: str, **changes: object) -> str:
    """The same header and signature over a modified payload."""
    header, payload, signature = token.split(".")
    claims = parts(token)[1]
    claims.update(changes)
    body = b64url_encode(json.dumps(claims, ensure_ascii=False).encode())
    return f"{header}.{body}.{signature}"


def upload(client, data: bytes, name: str):  # noqa: ANN001, ANN201
    return client.post(
        "/verify",
        data={"pdf": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


# --- The checks ------------------------------------------------------------------------------


def test_a_genuine_credential_verifies(certificate) -> None:
    check = verification.check_jwt(jwt_of(certificate))
    assert check.verified and check.reason is None and check.status == "valid"
    assert check.holder_name == "Aïcha Benali-Durand"
    assert check.achievement_name == "Mini mediation course"
    assert check.record.certificate_id == certificate.id


def test_a_tampered_credential_fails_with_its_reason(certificate) -> None:
    token = jwt_of(certificate)
    subject = parts(token)[1]["credentialSubject"]
    subject["identifier"][1]["identityHash"] = "Mallory Impostor"
    check = verification.check_jwt(forge(token, credentialSubject=subject))
    assert not check.verified and check.reason is Reason.BAD_SIGNATURE
    assert "changed after it was signed" in check.detail
    assert check.status == "invalid"


def test_a_credential_signed_with_a_wrong_key_fails(certificate) -> None:
    """Another key, whether it names our key id or a key id we never published."""
    token = jwt_of(certificate)
    header, claims, _ = parts(token)
    stranger = signing.new_private_jwk()

    impostor = verification.check_jwt(signing.sign(claims, stranger, header["kid"]))
    assert impostor.reason is Reason.BAD_SIGNATURE
    assert "another key signed it" in impostor.detail

    foreign = verification.check_jwt(signing.sign(claims, stranger, "did:web:localhost#other"))
    assert foreign.reason is Reason.UNKNOWN_KEY
    assert "does not publish" in foreign.detail
    elsewhere = verification.check_jwt(signing.sign(claims, stranger, "did:web:evil.example#k"))
    assert elsewhere.reason is Reason.UNKNOWN_KEY


def test_a_credential_signed_with_an_expired_key_fails(certificate, key_file: Path) -> None:
    token = jwt_of(certificate)
    assert verification.check_jwt(token).verified
    keys.rotate(key_file, expire_old=True)
    check = verification.check_jwt(token)
    assert not check.verified and check.reason is Reason.EXPIRED_KEY
    assert "expired on" in check.detail and "no longer trusted" in check.detail


def test_a_retired_key_still_verifies_what_it_signed_before(
    certificate, key_file: Path, make_user, course
) -> None:
    from certificates import services

    old_token = jwt_of(certificate)
    keys.rotate(key_file)
    assert verification.check_jwt(old_token).verified
    newer = services.issue(make_user("learner"), course)
    new_check = verification.check_jwt(jwt_of(newer))
    assert new_check.verified and new_check.kid != parts(old_token)[0]["kid"]


def test_a_signature_made_after_the_key_was_retired_is_refused(certificate, key_file: Path) -> None:
    """A leaked old private key cannot sign credentials dated after its retirement."""
    old = keys.load(key_file).active
    token = jwt_of(certificate)
    header, claims, _ = parts(token)
    retired = keys.rotate(key_file).find(old.kid).retired
    later = retired + timedelta(days=1)
    stamp = later.isoformat() + "Z"
    claims.update(
        validFrom=stamp, awardedDate=stamp, nbf=int(later.replace(tzinfo=UTC).timestamp())
    )
    check = verification.check_jwt(
        signing.sign(claims, old.jwk, header["kid"]), at=retired + timedelta(days=2)
    )
    assert check.reason is Reason.RETIRED_KEY


def test_claims_that_disagree_with_the_credential_fail(certificate, key_file: Path) -> None:
    key = keys.load(key_file).active
    header, claims, _ = parts(jwt_of(certificate))
    for change in (
        {"jti": "urn:uuid:other"},
        {"sub": "urn:uuid:x"},
        {"nbf": 1},
        {"iss": "did:web:x"},
    ):
        check = verification.check_jwt(signing.sign({**claims, **change}, key.jwk, header["kid"]))
        assert check.reason is Reason.INCONSISTENT, change


def test_a_revoked_credential_verifies_but_says_revoked(certificate) -> None:
    from certificates import services

    services.revoke(certificate, None, "Fraud")
    check = verification.check_jwt(jwt_of(certificate))
    assert check.verified and check.revoked and check.status == "revoked"


def test_the_decoded_json_is_compared_with_our_record(certificate) -> None:
    from credentials import services

    row = services.credential_of_certificate(certificate.id)
    check = verification.check_json(services.decoded_json(row))
    assert check.verified and check.by_record
    altered = json.loads(services.decoded_json(row))
    altered["credentialSubject"]["achievement"]["name"] = "Master of everything"
    assert verification.check_json(json.dumps(altered)).reason is Reason.ALTERED
    altered["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    assert verification.check_json(json.dumps(altered)).reason is Reason.UNKNOWN_CREDENTIAL


@pytest.mark.parametrize("garbage", [b"", b"\xff\xfe\x00", b"hello", b"{not json", b"[1, 2]"])
def test_garbage_is_not_a_credential_never_a_crash(app, garbage: bytes) -> None:
    check = verification.check_text(garbage)
    assert not check.verified and check.reason in {Reason.NOT_A_CREDENTIAL}


# --- Over HTTP: upload a credential file or a PDF --------------------------------------------


def test_upload_a_credential_file(client, certificate) -> None:
    html = upload(client, jwt_of(certificate).encode(), "credential.jwt").get_data(as_text=True)
    assert "This credential is genuine" in html
    assert "Aïcha Benali-Durand" in html and f"/verify/{certificate.code}" in html


def test_upload_the_downloaded_json(client, auth, learner, certificate) -> None:
    auth.login(learner.email)
    data = client.get(f"/certificates/{certificate.code}/credential.json").data
    auth.logout()
    html = upload(client, data, "credential.json").get_data(as_text=True)
    assert "This is exactly a credential we issued" in html


def test_upload_a_tampered_credential_says_why(client, certificate) -> None:
    token = jwt_of(certificate)
    forged = forge(token, name="Master's degree")
    response = upload(client, forged.encode(), "credential.jwt")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Its signature does not match" in html
    assert certificate.code not in html


def test_upload_a_revoked_credential(client, certificate) -> None:
    from certificates import services

    services.revoke(certificate, None, "Fraud")
    html = upload(client, jwt_of(certificate).encode(), "c.jwt").get_data(as_text=True)
    assert "This credential is genuine but it was revoked." in html


def test_upload_garbage_as_a_credential(client) -> None:
    response = upload(client, b"\x00\x01 not a credential", "x.jwt")
    assert response.status_code == 200
    assert "This is not a digital credential we can read" in response.get_data(as_text=True)


def test_a_pdf_is_checked_both_ways(client, certificate) -> None:
    """Fingerprint and embedded credential agree on the exact file."""
    tokens = verification.embedded_tokens(certificate.pdf)
    assert tokens == [jwt_of(certificate)]
    html = upload(client, certificate.pdf, "certificate.pdf").get_data(as_text=True)
    assert "This file is exactly a certificate we issued." in html
    assert "This credential is genuine" in html
    assert "only the credential is vouched for" not in html


def test_a_pdf_without_a_credential(client, app, make_user, course) -> None:
    from certificates import services

    app.config["CREDENTIAL_KEY_FILE"] = ""  # a site without a signing key still issues PDFs
    bare = services.issue(make_user("learner"), course)
    assert verification.embedded_tokens(bare.pdf) == []
    html = upload(client, bare.pdf, "certificate.pdf").get_data(as_text=True)
    assert "This file is exactly a certificate we issued." in html
    assert "This PDF carries no digital credential." in html


def test_unreadable_pdfs_embed_nothing(app) -> None:
    assert verification.embedded_tokens(b"%PDF-1.7\n garbage") == []
    assert verification.embedded_tokens(b"") == []


# --- flask credentials verify ------------------------------------------------------------------


def test_verify_command(runner, certificate, tmp_path: Path) -> None:
    from certificates import services

    genuine = tmp_path / "c.jwt"
    genuine.write_text(jwt_of(certificate))
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(certificate.pdf)
    forged = tmp_path / "forged.jwt"
    forged.write_text(forge(jwt_of(certificate), name="x"))

    ok = runner.invoke(args=["credentials", "verify", str(genuine)])
    assert ok.exit_code == 0 and ok.output.startswith("valid: ")
    assert runner.invoke(args=["credentials", "verify", str(pdf)]).exit_code == 0
    bad = runner.invoke(args=["credentials", "verify", str(forged)])
    assert bad.exit_code == 1 and "invalid (bad_signature)" in bad.output
    services.revoke(certificate, None, "Fraud")
    revoked = runner.invoke(args=["credentials", "verify", str(genuine)])
    assert revoked.exit_code == 1 and revoked.output.startswith("revoked: ")


def test_a_production_certificate_is_pdfa_3b_and_carries_its_verifiable_credential(
    app, client, make_user, course
) -> None:
    """With the production setting (PDF/A on): the stored PDF meets the PDF/A-3B rules, its
    embedded credential is the stored one, and a wallet-side check of it passes."""
    from certificates import services
    from tests.credentials.helpers import resolve_key, verify_eddsa
    from tests.support.pdfa import pdfa3b_problems

    app.config["CERTIFICATE_PDFA"] = True
    certificate = services.issue(make_user("learner"), course, overall_score=90)
    assert pdfa3b_problems(certificate.pdf) == []
    (token,) = verification.embedded_tokens(certificate.pdf)
    assert token == jwt_of(certificate)
    verify_eddsa(token, resolve_key(client, parts(token)[0]["kid"]))
    assert verification.check_jwt(token).verified
