"""Revocation end to end, read as a wallet would: fetch the credential's status list over HTTP,
verify its signature with ``cryptography`` and the key from did.json, decode it with the W3C
algorithm (``tests.credentials.helpers``), read the credential's bit."""

from __future__ import annotations

import pytest

from credentials import status_list
from tests.credentials.helpers import MINIMUM_ENTRIES, parts, resolve_key, verify_eddsa, w3c_expand


def credential_status(certificate) -> dict:  # noqa: ANN001
    from credentials import services

    row = services.credential_of_certificate(certificate.id)
    return parts(row.jwt)[1]["credentialStatus"]


def fetch_status_list(client, url: str) -> dict:  # noqa: ANN001
    path = url.removeprefix("http://localhost")
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/vc+jwt"
    token = response.get_data(as_text=True)
    header, _, _ = parts(token)
    payload = verify_eddsa(token, resolve_key(client, header["kid"]))
    assert payload["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert payload["id"] == url == payload["jti"]
    assert payload["iss"] == payload["issuer"] == "did:web:localhost"
    assert payload["credentialSubject"]["id"] == f"{url}#list" == payload["sub"]
    return payload


def bit(client, certificate) -> int:  # noqa: ANN001
    from tests.credentials.helpers import w3c_status

    entry = credential_status(certificate)
    return w3c_status(fetch_status_list(client, entry["statusListCredential"]), entry)


# --- The pure encoding, against the W3C algorithm ------------------------------------------


def test_encoded_list_is_16kb_gzip_multibase_with_index_zero_leftmost() -> None:
    encoded = status_list.encode([0, 9, MINIMUM_ENTRIES - 1])
    assert encoded.startswith("u") and "=" not in encoded
    bitstring = w3c_expand(encoded)
    assert len(bitstring) == 16 * 1024
    assert bitstring[0] == 0b1000_0000  # index 0: the left-most bit
    assert bitstring[1] == 0b0100_0000  # index 9
    assert bitstring[-1] == 0b0000_0001  # the last index: the right-most bit
    assert sum(bin(byte).count("1") for byte in bitstring) == 3


def test_encoding_is_deterministic_and_round_trips() -> None:
    indexes = [status_list.random_index() for _ in range(50)]
    assert status_list.encode(indexes) == status_list.encode(reversed(indexes))
    bits = status_list.decode(status_list.encode(indexes))
    assert bits == w3c_expand(status_list.encode(indexes))
    assert all(status_list.is_set(bits, i) for i in indexes)


def test_out_of_range_and_gzip_bombs_are_refused() -> None:
    with pytest.raises(status_list.StatusListError):
        status_list.encode([MINIMUM_ENTRIES])
    bomb = status_list.encode([], size=64 * MINIMUM_ENTRIES)
    with pytest.raises(status_list.StatusListError, match="larger"):
        status_list.decode(bomb)
    with pytest.raises(status_list.StatusListError):
        status_list.decode("zNotMultibase64url")


# --- End to end ------------------------------------------------------------------------------


def test_a_new_credential_is_not_revoked(client, certificate) -> None:
    entry = credential_status(certificate)
    assert 0 <= int(entry["statusListIndex"]) < MINIMUM_ENTRIES
    assert bit(client, certificate) == 0


def test_revoking_the_certificate_flips_its_bit_and_only_its_bit(
    client, make_user, course, certificate
) -> None:
    from certificates import services

    other = services.issue(make_user("learner"), course)
    assert bit(client, certificate) == bit(client, other) == 0
    services.revoke(certificate, None, "Identity fraud")
    assert bit(client, certificate) == 1
    assert bit(client, other) == 0
    listing = fetch_status_list(client, credential_status(certificate)["statusListCredential"])
    ones = sum(bin(b).count("1") for b in w3c_expand(listing["credentialSubject"]["encodedList"]))
    assert ones == 1


def test_revoking_through_the_verification_page_flips_the_bit(
    client, auth, make_user, course
) -> None:
    from certificates import services
    from tests.certificates.helpers import make_cohort

    # Only the trainers of the cohort a certificate was earned in may revoke it (issue 11).
    trainer, learner = make_user("trainer"), make_user("learner")
    make_cohort(trainer, [learner])
    certificate = services.issue(learner, course, overall_score=86.5)
    assert certificate.cohort_id is not None
    auth.login(trainer.email)
    response = client.post(f"/certificates/{certificate.code}/revoke", data={"reason": "Fraud"})
    assert response.status_code == 302
    auth.logout()
    assert bit(client, certificate) == 1


def test_a_reissue_revokes_the_old_credential_and_issues_a_new_one(
    client, learner, certificate
) -> None:
    from certificates import services
    from training import accounts

    accounts.update_profile(learner, learner.display_name, "Aïcha Benali")
    (new,) = services.reissue_for_name_change(learner, learner)
    assert bit(client, certificate) == 1
    assert bit(client, new) == 0
    old_entry, new_entry = credential_status(certificate), credential_status(new)
    assert old_entry["id"] != new_entry["id"]
    _, payload, _ = parts(services_row(new).jwt)
    names = [i["identityHash"] for i in payload["credentialSubject"]["identifier"]]
    assert "Aïcha Benali" in names
    # The achievement is frozen with the certificate: the reissue keeps the old one as it was.
    old_payload = parts(services_row(certificate).jwt)[1]
    assert (
        payload["credentialSubject"]["achievement"]
        == old_payload["credentialSubject"]["achievement"]
    )


def services_row(certificate):  # noqa: ANN001, ANN201
    from credentials import services

    return services.credential_of_certificate(certificate.id)


def test_the_status_list_is_stable_until_a_revocation_and_cacheable(client, certificate) -> None:
    from certificates import services

    url = credential_status(certificate)["statusListCredential"].removeprefix("http://localhost")
    first, second = client.get(url), client.get(url)
    assert first.data == second.data
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    services.revoke(certificate, None, "test")
    assert client.get(url).data != first.data


def test_an_unknown_list_is_a_404(client, certificate) -> None:
    assert client.get("/credentials/status/99").status_code == 404
    assert client.get("/credentials/status/abc").status_code == 404
