"""The privacy notice (both languages, from the configuration) and consent at registration."""

from __future__ import annotations

from training import accounts
from training.extensions import db


def registration(**extra: str) -> dict[str, str]:
    data = {
        "email": "nina@example.test",
        "display_name": "Nina",
        "full_name": "Nina Perez",
        "password": "several unrelated words",
        "confirm": "several unrelated words",
        "language": "en",
        "privacy_consent": "y",
    }
    data.update(extra)
    return data


def test_the_notice_names_the_controller_and_the_configured_periods(app, client):
    app.config["DATA_RETENTION_LOG_DAYS"] = 123
    app.config["PRIVACY_DPO"] = "Jeanne Garnier, dpo@centre-exemple.test"
    page = client.get("/privacy").get_data(as_text=True)
    assert "<h1>Privacy notice</h1>" in page
    assert "Centre Exemple SAS" in page and "dpo@centre-exemple.test" in page
    assert "Jeanne Garnier" in page
    assert "Version of 2026-12-01" in page
    assert "1095 days" in page and "123 days" in page  # inactive accounts, logs
    assert "Download my data" in page and "cnil.fr" in page


def test_the_notice_in_french(app, client):
    page = client.get("/privacy", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert 'lang="fr"' in page
    assert "<h1>Politique de confidentialité</h1>" in page
    assert "Centre Exemple SAS" in page
    assert "1095 jours" in page and "CNIL" in page
    assert "Privacy notice" not in page


def test_footer_and_registration_link_to_the_notice(client):
    assert 'href="/privacy"' in client.get("/").get_data(as_text=True)
    page = client.get("/register").get_data(as_text=True)
    assert 'href="/privacy"' in page and 'name="privacy_consent"' in page


def test_registration_records_the_notice_version_and_when(app, client):
    app.config["PRIVACY_NOTICE_VERSION"] = "2027-01-15"
    response = client.post("/register", data=registration())
    assert "Check your inbox" in response.get_data(as_text=True)
    user = accounts.find_user_by_email("nina@example.test")
    assert user.privacy_notice_version == "2027-01-15"
    assert user.privacy_accepted_at is not None


def test_registration_without_consent_is_refused_with_a_clear_error(client):
    data = registration()
    del data["privacy_consent"]
    page = client.post("/register", data=data).get_data(as_text=True)
    assert "confirm that you have read the privacy notice" in page
    assert 'class="error-summary"' in page
    assert accounts.find_user_by_email("nina@example.test") is None
    page = client.post("/register", data=data, headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert "confirmez avoir lu la politique de confidentialité" in page
    assert db.session.query(accounts.User).count() == 0


def test_accounts_made_by_an_admin_record_no_consent(make_user):
    user = make_user()
    assert user.privacy_notice_version is None and user.privacy_accepted_at is None


def test_the_notice_says_training_events_of_the_audit_log_follow_the_evidence_period(app, client):
    # privacy.retention keeps audit events naming a course for DATA_RETENTION_EVIDENCE_DAYS
    # (they are evidence), the others for DATA_RETENTION_LOG_DAYS: the notice must say both.
    app.config["DATA_RETENTION_LOG_DAYS"] = 123
    app.config["DATA_RETENTION_EVIDENCE_DAYS"] = 4567
    page = client.get("/privacy").get_data(as_text=True)
    start = page.index("Security records")
    panel = page[start : page.index("</li>", start)]
    assert "123 days" in panel and "4567 days" in panel
