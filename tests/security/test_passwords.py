"""The 10,000 most common passwords and passwords made of the owner's details are refused,
with the reason in English and in French."""

from __future__ import annotations

import pytest

from training import accounts
from training.password_policy import COMMON_COUNT, common_passwords, password_problem


def test_the_list_is_the_10000_most_common():
    common = common_passwords()
    assert len(common) == COMMON_COUNT
    assert {"12345678", "password", "qwerty", "iloveyou", "football"} <= common


@pytest.mark.parametrize("password", ["12345678", "password", "Password", "PASSWORD1", "iloveyou"])
def test_common_passwords_are_refused(app, password):
    assert "10,000 most used" in password_problem(password)


@pytest.mark.parametrize(
    "password",
    [
        "marie.dupont@example.test",  # the address
        "mariedupont2024",  # its local part
        "I am Dupont!!",  # a word of the full name
        "Élodie forever",  # a name word, accents aside
        "MarieDupont",  # the name without its space
    ],
)
def test_passwords_with_the_owners_details_are_refused(app, password):
    problem = password_problem(
        password, email="mariedupont@example.test", names=("Élodie", "Marie Dupont")
    )
    assert problem == "Your password must not contain your email address or your name."


@pytest.mark.parametrize(
    "password", ["correct horse battery", "plume rivière 42 lanterne", "x" * 128]
)
def test_good_passwords_pass(app, password):
    assert password_problem(password, email="sam@example.test", names=("Sam Martin",)) is None


def test_registration_refuses_12345678_in_both_languages(client):
    data = {
        "email": "sam@example.test",
        "display_name": "Sam",
        "full_name": "Sam Martin",
        "password": "12345678",
        "confirm": "12345678",
        "language": "en",
        "privacy_consent": "y",
    }
    page = client.post("/register", data=data).get_data(as_text=True)
    assert "among the 10,000 most used" in page
    assert accounts.find_user_by_email("sam@example.test") is None
    client.post("/language", data={"language": "fr"})
    page = client.post("/register", data=data).get_data(as_text=True)
    assert "parmi les 10 000 mots de passe les plus utilisés" in page


def test_every_way_of_setting_a_password_applies_the_rules(app, make_user):
    with pytest.raises(accounts.AccountError):
        accounts.create_user("a@example.test", display_name="A", password="qwertyuiop")
    user = make_user(full_name="Nadia Haddad")
    with pytest.raises(accounts.AccountError):
        accounts.change_password(user, "correct horse battery", "haddad is here")
