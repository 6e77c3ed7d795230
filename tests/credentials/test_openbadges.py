"""The credential of a certificate, checked with code we did not write: 1EdTech's Open Badges
3.0 JSON Schema (validated by ``jsonschema``) and a signature check with ``cryptography``."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest

from tests.credentials.helpers import parts, resolve_key, verify_eddsa

SCHEMA_PATH = Path(__file__).parent / "schema" / "ob_v3p0_achievementcredential_schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft201909Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("https://json-schema.org/draft/2019-09/")
    jsonschema.Draft201909Validator.check_schema(schema)
    checker = jsonschema.Draft201909Validator.FORMAT_CHECKER
    assert "date-time" in checker.checkers, "install rfc3339-validator (requirements-dev.txt)"
    return jsonschema.Draft201909Validator(schema, format_checker=checker)


def stored(certificate):  # noqa: ANN001, ANN201 - an IssuedCredential
    from credentials import services

    row = services.credential_of_certificate(certificate.id)
    assert row is not None, "every certificate issued with a key gets a credential"
    return row


def decoded_credential(certificate) -> dict:  # noqa: ANN001
    _, payload, _ = parts(stored(certificate).jwt)
    return {k: v for k, v in payload.items() if k not in {"iss", "jti", "nbf", "sub"}}


def test_credential_is_valid_against_the_1edtech_schema(certificate, validator) -> None:
    credential = decoded_credential(certificate)
    errors = sorted(validator.iter_errors(credential), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]


def test_the_schema_is_not_a_rubber_stamp(certificate, validator) -> None:
    """The same validator refuses credentials missing what the specification requires."""
    credential = decoded_credential(certificate)
    broken = [
        {k: v for k, v in credential.items() if k != "validFrom"},
        {**credential, "type": ["VerifiableCredential"]},
        {**credential, "@context": ["https://www.w3.org/ns/credentials/v2"]},
        {
            **credential,
            "credentialSubject": {
                **credential["credentialSubject"],
                "achievement": {"id": "x", "type": ["Achievement"], "name": "no criteria"},
            },
        },
        {**credential, "validFrom": "14 November 2026"},
    ]
    for document in broken:
        assert list(validator.iter_errors(document)), document.keys()


def test_signature_verifies_with_cryptography_and_the_published_key(client, certificate) -> None:
    token = stored(certificate).jwt
    header, _, _ = parts(token)
    assert header == {"typ": "JWT", "alg": "EdDSA", "kid": header["kid"]}  # nothing else
    payload = verify_eddsa(token, resolve_key(client, header["kid"]))
    assert payload["credentialSubject"]["achievement"]["name"] == "Mini mediation course"


def test_jwt_claims_mirror_the_credential(certificate) -> None:
    _, payload, _ = parts(stored(certificate).jwt)
    assert payload["iss"] == payload["issuer"]["id"] == "did:web:localhost"
    assert payload["jti"] == payload["id"]
    assert payload["sub"] == payload["credentialSubject"]["id"]
    valid_from = datetime.fromisoformat(payload["validFrom"].replace("Z", "+00:00"))
    assert payload["nbf"] == int(valid_from.timestamp())
    assert payload["validFrom"] == certificate.issued_at.isoformat() + "Z"


def test_what_a_wallet_and_a_verifier_expect(certificate) -> None:
    credential = decoded_credential(certificate)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert (
        credential["id"].startswith("urn:uuid:")
        and credential["id"] == stored(certificate).credential_id
    )
    assert credential["name"] == "Certificate of completion – Mini mediation course"
    assert credential["issuer"] == {
        "id": "did:web:localhost",
        "type": ["Profile"],
        "name": "Passerelle test centre",
        "url": "http://localhost/",
    }
    assert credential["awardedDate"] == credential["validFrom"]
    assert credential["credentialSchema"] == [
        {
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
            "ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }
    ]
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["activityEndDate"] == certificate.completed_on.isoformat() + "T00:00:00Z"
    achievement = subject["achievement"]
    assert achievement["id"] == "http://localhost/courses/mini#achievement"
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["description"] == "A tiny course for tests."
    assert achievement["inLanguage"] == "en"
    assert achievement["criteria"]["id"] == "http://localhost/courses/mini"
    narrative = achievement["criteria"]["narrative"]
    assert narrative.startswith("3.5 hours of training.")
    assert "completed the 2 modules: Introduction to mediation; Next steps;" in narrative
    assert "passed the quizzes of 2 modules (pass mark 80 %);" in narrative
    assert "completed 1 role-plays with a score of at least 60 %" in narrative
    assert achievement["tag"] == ["Active listening", "Legal framework"]
    assert achievement["alignment"] == []  # the mini course declares no competency blocks
    assert achievement["image"] == {"id": "http://localhost/static/img/logo.svg", "type": "Image"}
    (score,) = achievement["resultDescription"]
    assert score["resultType"] == "Percent" and score["name"] == "Overall score"
    assert subject["result"] == [
        {"type": ["Result"], "resultDescription": score["id"], "value": "86.5"}
    ]
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == "http://localhost/credentials/status/1"
    assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"


def test_the_learner_is_a_salted_email_hash_and_a_name_never_the_plain_email(
    certificate, learner, course
) -> None:
    from certificates import services

    token = stored(certificate).jwt
    email, hashed_identifier_seen = learner.email, False
    for identifier in decoded_credential(certificate)["credentialSubject"]["identifier"]:
        if identifier["identityType"] == "emailAddress":
            assert identifier["hashed"] is True and len(identifier["salt"]) >= 16
            # 1EdTech's IdentityHash: "sha256$" + hex SHA-256 of the identifier then the salt.
            expected = hashlib.sha256((email.lower() + identifier["salt"]).encode()).hexdigest()
            assert identifier["identityHash"] == f"sha256${expected}"
            hashed_identifier_seen = True
        else:
            assert identifier == {
                "type": "IdentityObject",
                "identityHash": "Aïcha Benali-Durand",
                "identityType": "name",
                "hashed": False,
            }
    assert hashed_identifier_seen
    everywhere = json.dumps(parts(token)[:2], ensure_ascii=False).lower()
    assert email.lower() not in everywhere and "example.test" not in everywhere
    # Another credential for the same learner has another salt: the hashes do not link them.
    services.revoke(certificate, None, "test")
    again = services.issue(learner, course)
    salts = {
        i.get("salt")
        for c in (certificate, again)
        for i in decoded_credential(c)["credentialSubject"]["identifier"]
        if i["hashed"]
    }
    assert len(salts) == 2


def test_credential_is_frozen_like_the_pdf(client, auth, learner, certificate, course) -> None:
    from training import accounts

    row = stored(certificate)
    auth.login(learner.email)
    first = client.get(f"/certificates/{certificate.code}/credential.jwt")
    accounts.update_profile(learner, learner.display_name, "Someone Else Entirely")
    second = client.get(f"/certificates/{certificate.code}/credential.jwt")
    assert first.status_code == second.status_code == 200
    assert first.data == second.data == row.jwt.encode("ascii")
    as_json = [client.get(f"/certificates/{certificate.code}/credential.json") for _ in range(2)]
    assert as_json[0].data == as_json[1].data
    assert json.loads(as_json[0].data) == decoded_credential(certificate)


def test_same_achievement_id_for_every_learner_new_credential_id_each_time(
    make_user, course
) -> None:
    from certificates import services

    a = services.issue(make_user("learner"), course)
    b = services.issue(make_user("learner"), course)
    ca, cb = decoded_credential(a), decoded_credential(b)
    assert ca["credentialSubject"]["achievement"] == cb["credentialSubject"]["achievement"]
    assert ca["id"] != cb["id"]
    assert ca["credentialSubject"]["id"] != cb["credentialSubject"]["id"]
    assert ca["credentialStatus"]["statusListIndex"] != cb["credentialStatus"]["statusListIndex"]


def test_a_block_attestation_reuses_the_builder_with_its_own_achievement(
    app, learner, validator
) -> None:
    """What issue 15 will do: an achievement aligned with an RNCP block, same signing path."""
    from credentials import openbadges, services

    block = openbadges.Achievement(
        id="http://localhost/courses/mini/blocks/ep2#achievement",
        name="EP2 — Prevention and mediation",
        description="Competency block EP2 of the CAP APM.",
        criteria="Passed the EP2 assessments.",
        achievement_type="Competency",
        alignments=(
            openbadges.Alignment(
                target_name="CAP Agent de prévention et de médiation — EP2",
                target_url="https://www.francecompetences.fr/recherche/rncp/37240/",
                target_code="RNCP37240",
                target_framework="RNCP",
                target_type="ceterms:Credential",
            ),
        ),
    )
    prepared = services.prepare(
        recipient=openbadges.Recipient(name=learner.full_name, email=learner.email),
        achievement=block.to_json(),
        name="EP2 — Prevention and mediation",
        issuer_name="Passerelle test centre",
        valid_from=datetime(2026, 11, 14, 15, 30),
        completed_on=date(2026, 11, 14),
    )
    assert prepared is not None
    credential = {k: v for k, v in prepared.claims.items() if k not in {"iss", "jti", "nbf", "sub"}}
    assert list(validator.iter_errors(credential)) == []
    (alignment,) = credential["credentialSubject"]["achievement"]["alignment"]
    assert alignment["targetCode"] == "RNCP37240" and alignment["type"] == ["Alignment"]


def test_french_certificates_get_french_criteria() -> None:
    from credentials.certificate_badge import achievement_for_certificate

    snapshot = SimpleNamespace(
        course_slug="cap-apm-fr",
        course_title="Agent de prévention et de médiation",
        certificate_title="Attestation de formation",
        hours=12.5,
        modules=["Le métier", "La posture"],
        competencies=["Écoute active"],
        score_percent=None,
    )
    rules = SimpleNamespace(
        modules=("01", "02"), quizzes=("01",), roleplays=(), pass_mark=70, roleplay_min_score=60
    )
    course = SimpleNamespace(summary="Une formation.", completion=rules)
    achievement = achievement_for_certificate(snapshot, course, "fr", "https://p.example")
    assert achievement.language == "fr"
    assert achievement.criteria.splitlines() == [
        "12,5 heures de formation.",
        "",
        "Pour obtenir ce certificat, la personne a\u00a0:",
        "- suivi les 2 modules\u00a0: Le métier; La posture\u00a0;",
        "- réussi les quiz de 1 modules (seuil de réussite\u00a0: 70\u00a0%).",
        "",
        "Compétences évaluées\u00a0: Écoute active.",
    ]
    assert achievement.score_label == "Résultat global"


def test_a_course_with_competency_blocks_aligns_its_achievement_with_them(
    app, learner, validator
) -> None:
    """course.yaml ``blocks`` become the achievement's alignment, each at its RNCP page."""
    from credentials import openbadges, services
    from credentials.certificate_badge import achievement_for_certificate
    from training.content_blocks import Block

    snapshot = SimpleNamespace(
        course_slug="cap-apm",
        course_title="Prevention and mediation agent (CAP APM)",
        certificate_title="Certificate of completion",
        hours=35,
        modules=["The job"],
        competencies=[],
        score_percent=None,
    )
    course = SimpleNamespace(
        summary="A course.",
        completion=None,
        blocks=(
            Block("EP1", "Accueil, information et accompagnement", "RNCP37240"),
            Block("CCP2", "Regulate tension and conflict through mediation", "RNCP37722"),
            Block("LOCAL", "A block of our own", None),
        ),
    )
    achievement = achievement_for_certificate(snapshot, course, "en", "http://localhost")
    data = achievement.to_json()
    assert data["alignment"] == [
        {
            "type": ["Alignment"],
            "targetName": "Accueil, information et accompagnement",
            "targetUrl": "https://www.francecompetences.fr/recherche/rncp/37240/",
            "targetCode": "EP1",
            "targetFramework": "RNCP37240",
            "targetType": "ext:CompetencyBlock",
        },
        {
            "type": ["Alignment"],
            "targetName": "Regulate tension and conflict through mediation",
            "targetUrl": "https://www.francecompetences.fr/recherche/rncp/37722/",
            "targetCode": "CCP2",
            "targetFramework": "RNCP37722",
            "targetType": "ext:CompetencyBlock",
        },
        {
            "type": ["Alignment"],
            "targetName": "A block of our own",
            "targetUrl": "http://localhost/courses/cap-apm",
            "targetCode": "LOCAL",
            "targetType": "ext:CompetencyBlock",
        },
    ]
    prepared = services.prepare(
        recipient=openbadges.Recipient(name=learner.full_name, email=learner.email),
        achievement=data,
        name="Certificate of completion",
        issuer_name="Passerelle",
        valid_from=datetime(2026, 11, 14, 15, 30),
    )
    credential = {k: v for k, v in prepared.claims.items() if k not in {"iss", "jti", "nbf", "sub"}}
    assert list(validator.iter_errors(credential)) == []
