"""The issuer's public documents, the wallet downloads and who may get them, and what the
verification page says about the credential."""

from __future__ import annotations

from credentials import keys
from tests.credentials.helpers import parts


def test_did_document_publishes_the_keys_without_private_parts(client, key_file) -> None:
    key = keys.load(key_file).active
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200 and response.mimetype == "application/did+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = response.get_json()
    assert document["id"] == "did:web:localhost"
    assert document["@context"][0] == "https://www.w3.org/ns/did/v1"
    (method,) = document["verificationMethod"]
    assert method == {
        "id": f"did:web:localhost#{key.kid}",
        "type": "JsonWebKey",
        "controller": "did:web:localhost",
        "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": key.jwk["x"]},
    }
    assert document["assertionMethod"] == [method["id"]]
    assert client.get("/did.json").get_json() == document
    assert '"d"' not in response.get_data(as_text=True)


def test_jwks_lists_the_same_keys_and_follows_rotation(client, key_file) -> None:
    first = keys.load(key_file).active
    keys.rotate(key_file)
    jwks = client.get("/.well-known/jwks.json").get_json()
    assert [k["kid"] for k in jwks["keys"]] == [
        f"did:web:localhost#{first.kid}",
        f"did:web:localhost#{keys.load(key_file).active.kid}",
    ]
    assert all(set(k) == {"kty", "crv", "x", "kid", "alg", "use"} for k in jwks["keys"])
    keys.rotate(key_file, expire_old=True)  # the second key leaked: it disappears
    document = client.get("/.well-known/did.json").get_json()
    assert len(document["verificationMethod"]) == 2


def test_the_did_follows_base_url(app, client) -> None:
    from credentials import issuer

    assert issuer.did_for("https://passerelle.example.org") == "did:web:passerelle.example.org"
    assert issuer.did_for("http://localhost:5104/") == "did:web:localhost%3A5104"
    assert issuer.did_for("https://example.org/apps/passerelle") == (
        "did:web:example.org:apps:passerelle"
    )
    app.config["BASE_URL"] = "https://certificates.example.org"
    assert client.get("/.well-known/did.json").get_json()["id"] == (
        "did:web:certificates.example.org"
    )


def test_wallet_downloads_for_the_holder(client, auth, learner, certificate) -> None:
    auth.login(learner.email)
    jwt = client.get(f"/certificates/{certificate.code}/credential.jwt")
    assert jwt.status_code == 200 and jwt.mimetype == "application/vc+jwt"
    assert jwt.headers["Content-Disposition"].startswith('attachment; filename="credential-mini-')
    assert jwt.headers["Content-Disposition"].endswith('.jwt"')
    readable = client.get(f"/certificates/{certificate.code}/credential.json")
    assert readable.status_code == 200 and readable.mimetype == "application/json"
    assert readable.get_json()["id"] == parts(jwt.get_data(as_text=True))[1]["jti"]
    again = client.get(
        f"/certificates/{certificate.code}/credential.jwt",
        headers={"If-None-Match": jwt.headers["ETag"]},
    )
    assert again.status_code == 304


def test_wallet_downloads_are_404_for_others(client, auth, make_user, certificate) -> None:
    paths = [f"/certificates/{certificate.code}/credential.{ext}" for ext in ("jwt", "json")]
    assert [client.get(p).status_code for p in paths] == [404, 404]  # anonymous
    auth.login(make_user("learner").email)
    assert [client.get(p).status_code for p in paths] == [404, 404]
    auth.logout()
    auth.login(make_user("admin").email)
    assert [client.get(p).status_code for p in paths] == [200, 200]
    assert client.get("/certificates/unknowncode/credential.jwt").status_code == 404


def test_my_certificates_offers_the_wallet_downloads(client, auth, learner, certificate) -> None:
    auth.login(learner.email)
    html = client.get("/certificates").get_data(as_text=True)
    assert "Download for a wallet:" in html
    assert f"/certificates/{certificate.code}/credential.jwt" in html
    assert f"/certificates/{certificate.code}/credential.json" in html


def test_verification_page_shows_the_credential_status(client, auth, learner, certificate) -> None:
    from certificates import services
    from credentials import services as credentials

    summary = credentials.summary_for_certificate(certificate.id)
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Digital credential" in html and "Not revoked" in html
    assert summary.credential_id in html and "did:web:localhost" in html
    assert "Download for a wallet" not in html  # anonymous visitors get no download
    data = client.get(f"/verify/{certificate.code}.json").get_json()
    assert data["credential"]["id"] == summary.credential_id
    assert data["credential"]["status"] == "valid"
    assert data["credential"]["status_list_index"] == summary.status_list_index

    services.revoke(certificate, None, "Fraud")
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Its entry in our revocation list says it is revoked" in html
    assert client.get(f"/verify/{certificate.code}.json").get_json()["credential"]["status"] == (
        "revoked"
    )


def test_the_holder_sees_the_wallet_links_on_the_verification_page(
    client, auth, learner, certificate
) -> None:
    auth.login(learner.email)
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert f"/certificates/{certificate.code}/credential.jwt" in html


def test_a_certificate_without_a_credential_says_so(client, app, make_user, course) -> None:
    from certificates import services

    app.config["CREDENTIAL_KEY_FILE"] = "/nonexistent/keys.json"
    bare = services.issue(make_user("learner"), course)
    html = client.get(f"/verify/{bare.code}").get_data(as_text=True)
    assert "This certificate has no digital credential" in html
    assert client.get(f"/verify/{bare.code}.json").get_json()["credential"] is None
