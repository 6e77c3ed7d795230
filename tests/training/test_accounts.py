"""Every account path, bad input included."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from tests.conftest import PASSWORD, outbox_links
from training import accounts
from training.extensions import db
from training.models import OneTimeToken, TokenPurpose, User
from training.timeutil import utcnow

NEW_PASSWORD = "another long password"


def register(client, email="new@example.test", password="a good password", **extra):
    data = {
        "email": email,
        "display_name": "Newcomer",
        "full_name": "New Comer",
        "password": password,
        "confirm": password,
        "language": "en",
        "privacy_consent": "y",
    }
    data.update(extra)
    return client.post("/register", data=data)


def link_for(app, fragment: str) -> str:
    links = [link for link in outbox_links(app) if fragment in link]
    assert links, f"no {fragment} link in the outbox"
    return links[-1].replace("http://localhost", "")


def test_register_confirm_and_login(client, app, auth):
    response = register(client)
    assert response.status_code == 200
    assert b"Check your inbox" in response.data
    user = accounts.find_user_by_email("NEW@example.test")
    assert user is not None and user.email_verified_at is None
    assert user.password_hash.startswith("$argon2id$")

    # Unconfirmed: the right password does not log in yet, and a new link is sent.
    response = auth.login("new@example.test", "a good password")
    assert response.status_code == 200
    assert b"confirm your address" in response.data

    confirm = link_for(app, "/confirm/")
    assert client.get(confirm).status_code == 200  # GET only shows a button
    assert db.session.get(User, user.id).email_verified_at is None
    response = client.post(confirm)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email_verified_at is not None
    assert client.post(confirm, follow_redirects=True).status_code == 200  # reused: refused
    assert b"already been used" in client.post(confirm, follow_redirects=True).data


def test_duplicate_email_regardless_of_case_reveals_nothing(client, app, make_user):
    make_user(email="taken@example.test")
    response = register(client, email="Taken@Example.TEST")
    assert response.status_code == 200
    assert b"Check your inbox" in response.data  # same answer as a new address
    users = db.session.execute(select(User).where(User.email == "taken@example.test")).all()
    assert len(users) == 1
    # The owner is told, with a way back into their account.
    assert any("/reset-password/" in link for link in outbox_links(app))


def test_create_user_rejects_duplicate_email(app, make_user):
    make_user(email="dup@example.test")
    with pytest.raises(accounts.AccountError):
        accounts.create_user("DUP@example.test", display_name="x", password=PASSWORD, verified=True)


@pytest.mark.parametrize("email", ["not-an-address", "two@@example.test", "a@localhost"])
def test_registration_checks_the_address(client, email):
    # email-validator is imported on the first check (training.email_check): the check runs.
    response = register(client, email=email)
    assert b"Check your inbox" not in response.data
    assert accounts.find_user_by_email(email) is None


@pytest.mark.parametrize("password", ["short", "x" * 129])
def test_password_length_rules(client, password):
    response = register(client, password=password)
    assert b"Check your inbox" not in response.data
    assert accounts.find_user_by_email("new@example.test") is None


def test_password_limits_accept_8_and_128(app):
    for n, length in enumerate((8, 128)):
        user = accounts.create_user(f"len{n}@example.test", display_name="L", password="p" * length)
        assert accounts.authenticate(user.email, "p" * length) is not None


def test_wrong_password_and_unknown_email_give_the_same_message(client, make_user, auth):
    user = make_user()
    wrong = auth.login(user.email, "wrong password")
    unknown = auth.login("nobody@example.test", "wrong password")
    assert wrong.status_code == unknown.status_code == 200
    assert b"Invalid email or password." in wrong.data
    assert b"Invalid email or password." in unknown.data


def test_login_logout(client, make_user, auth):
    user = make_user()
    response = auth.login(user.email.upper())
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert client.get("/logout").status_code == 405  # no state change on GET
    assert auth.logout().status_code == 302
    assert client.get("/account").status_code == 302


def test_login_follows_only_local_next(client, make_user, auth):
    user = make_user()
    response = auth.login(user.email, next="https://evil.example/")
    assert response.headers["Location"] == "/"
    auth.logout()
    response = auth.login(user.email, next="//evil.example/")
    assert response.headers["Location"] == "/"
    auth.logout()
    response = auth.login(user.email, next="/account")
    assert response.headers["Location"] == "/account"


def test_rehash_on_login_when_parameters_change(app, make_user):
    user = make_user()
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    user.password_hash = weak.hash(PASSWORD)
    db.session.commit()
    assert accounts.authenticate(user.email, PASSWORD) is not None
    db.session.refresh(user)
    assert user.password_hash != weak.hash(PASSWORD)
    assert "m=8," not in user.password_hash
    assert f"m={app.config['ARGON2_MEMORY_KIB']}," in user.password_hash
    assert accounts.authenticate(user.email, PASSWORD) is not None


def test_change_password_ends_other_sessions(app, make_user):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        assert c.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    response = first.post(
        "/account",
        data={
            "password-current_password": PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert first.get("/account").status_code == 200  # this session stays
    assert second.get("/account").status_code == 302  # the other one is over
    assert accounts.authenticate(user.email, NEW_PASSWORD) is not None


def test_change_password_needs_current_password(client, login_as):
    login_as()
    response = client.post(
        "/account",
        data={
            "password-current_password": "not it at all",
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert b"current password is not correct" in response.data


def test_profile_update(client, login_as):
    user = login_as()
    response = client.post(
        "/account", data={"profile-display_name": "Mo", "profile-full_name": "Mohamed Aït"}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.full_name) == ("Mo", "Mohamed Aït")


def test_reset_password_single_use(client, app, make_user, auth):
    user = make_user()
    response = client.post("/forgot-password", data={"email": user.email})
    assert b"If an account uses this address" in response.data
    link = link_for(app, "/reset-password/")
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert accounts.authenticate(user.email, NEW_PASSWORD) is not None
    # Reused link: refused, password unchanged.
    auth.logout()
    response = client.post(link, data={"password": "third password!", "confirm": "third password!"})
    assert response.status_code == 400
    assert accounts.authenticate(user.email, NEW_PASSWORD) is not None


def test_reset_for_unknown_email_says_the_same(client, app):
    response = client.post("/forgot-password", data={"email": "ghost@example.test"})
    assert b"If an account uses this address" in response.data
    assert outbox_links(app) == []


def test_expired_reset_link_is_refused(client, app, make_user):
    user = make_user()
    accounts.request_password_reset(user.email)
    token = db.session.execute(select(OneTimeToken)).scalar_one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    link = link_for(app, "/reset-password/")
    assert client.get(link).status_code == 400
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert accounts.authenticate(user.email, NEW_PASSWORD) is None


def test_tokens_are_stored_hashed(app, make_user):
    user = make_user()
    token = accounts.issue_token(user, TokenPurpose.RESET)
    stored = db.session.execute(select(OneTimeToken.token_hash)).scalar_one()
    assert token not in stored and len(stored) == 64


def test_reset_ends_other_sessions(app, make_user):
    user = make_user()
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    token = accounts.issue_token(user, TokenPurpose.RESET)
    accounts.use_token_to_set_password(token, TokenPurpose.RESET, NEW_PASSWORD)
    assert other.get("/account").status_code == 302


def test_invite_link_sets_password(client, app):
    user = accounts.create_user(
        "invited@example.test", display_name="Invited", password=None, verified=False
    )
    accounts.send_token_mail(user, TokenPurpose.INVITE)
    link = link_for(app, "/invite/")
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email_verified_at is not None
    assert accounts.authenticate(user.email, NEW_PASSWORD) is not None


def test_account_without_password_cannot_log_in(app):
    accounts.create_user("nopass@example.test", display_name="N", password=None)
    assert accounts.authenticate("nopass@example.test", "") is None
    assert accounts.authenticate("nopass@example.test", "anything at all") is None
