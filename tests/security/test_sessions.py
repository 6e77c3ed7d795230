"""Sessions end on the server; remember-me tokens are hashed, rotated and revoked; one-time links
are single-use and latest-only."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from tests.conftest import PASSWORD, outbox_links
from training import accounts, links
from training.extensions import db
from training.models import OneTimeToken, TokenPurpose
from training.session_models import RememberToken, UserSession
from training.sessions import REMEMBER_COOKIE
from training.timeutil import utcnow

NEW_PASSWORD = "a brand new passphrase"


def login(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def clone(app, client, *names):
    """A second browser holding copies of some of ``client``'s cookies."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def test_a_replayed_session_cookie_is_logged_out_after_logout(app, client, make_user):
    user = make_user()
    login(client, user)
    thief = clone(app, client, "session")
    assert signed_in(thief)
    client.post("/logout")
    assert not signed_in(client)
    assert not signed_in(thief)  # the server ended the session, whatever the cookie says
    row = db.session.execute(select(UserSession)).scalar_one()
    assert row.ended_at is not None


def test_each_login_is_a_new_server_session(app, client, make_user):
    user = make_user()
    client.post("/language", data={"language": "fr"})  # an anonymous session exists already
    before = clone(app, client, "session")
    login(client, user)
    assert not signed_in(before)  # what an attacker planted before the login is worth nothing
    first = clone(app, client, "session")
    client.post("/logout")
    login(client, user)
    assert signed_in(client) and not signed_in(first)
    rows = db.session.execute(select(UserSession).order_by(UserSession.id)).scalars().all()
    assert len(rows) == 2 and rows[0].token_hash != rows[1].token_hash
    assert rows[0].ended_at is not None and rows[1].ended_at is None


def test_remember_me_is_stored_hashed_and_rotated_on_use(app, client, make_user):
    user = make_user()
    login(client, user, remember=True)
    cookie = client.get_cookie(REMEMBER_COOKIE)
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    ident, _, secret = cookie.value.partition(".")
    token = db.session.get(RememberToken, int(ident))
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in token.token_hash

    later = clone(app, client, REMEMBER_COOKIE)  # the browser after its session has gone
    assert signed_in(later)
    rotated = later.get_cookie(REMEMBER_COOKIE).value
    assert rotated != cookie.value
    db.session.expire_all()
    assert db.session.get(RememberToken, int(ident)).used_at is not None
    assert signed_in(later)  # now on its new session


def test_a_stolen_remember_token_replayed_after_rotation_revokes_the_family(app, client, make_user):
    user = make_user()
    login(client, user, remember=True)
    stolen = client.get_cookie(REMEMBER_COOKIE).value
    owner = clone(app, client, REMEMBER_COOKIE)
    assert signed_in(owner)  # the owner's browser spends the token and gets a new one
    # Past the grace for racing tabs, the copy comes back:
    db.session.execute(update(RememberToken).values(used_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    thief = app.test_client()
    thief.set_cookie(REMEMBER_COOKIE, stolen)
    assert not signed_in(thief)
    assert not signed_in(owner)  # the whole chain is revoked: the owner logs in again
    assert all(
        t.revoked_at is not None for t in db.session.execute(select(RememberToken)).scalars()
    )


def test_logout_revokes_the_remember_token(app, client, make_user):
    user = make_user()
    login(client, user, remember=True)
    copy = client.get_cookie(REMEMBER_COOKIE).value
    client.post("/logout")
    assert client.get_cookie(REMEMBER_COOKIE) is None
    replay = app.test_client()
    replay.set_cookie(REMEMBER_COOKIE, copy)
    assert not signed_in(replay)


def test_password_change_ends_other_sessions_and_remember_tokens(app, client, make_user):
    user = make_user()
    login(client, user)
    other = app.test_client()
    login(other, user, remember=True)
    remembered = clone(app, other, REMEMBER_COOKIE)
    response = client.post(
        "/account",
        data={
            "password-current_password": PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(other)
    assert not signed_in(remembered)


def test_a_password_reset_ends_every_session(app, client, make_user):
    user = make_user()
    login(client, user, remember=True)
    remembered = clone(app, client, REMEMBER_COOKIE)
    token = links.issue_token(user, TokenPurpose.RESET)
    accounts.use_token_to_set_password(token, TokenPurpose.RESET, NEW_PASSWORD)
    assert not signed_in(client)
    assert not signed_in(remembered)


def test_log_out_of_every_other_device(app, client, make_user):
    user = make_user()
    login(client, user)
    phone = app.test_client()
    login(phone, user, remember=True)
    page = client.get("/account").get_data(as_text=True)
    assert "Log out of every other device" in page and "this device" in page
    refused = client.post("/account", data={"others-current_password": "not my password"})
    assert b"current password is not correct" in refused.data
    assert signed_in(phone)
    response = client.post("/account", data={"others-current_password": PASSWORD})
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(phone)
    assert not signed_in(clone(app, phone, REMEMBER_COOKIE))


def test_idle_and_absolute_lifetimes(app, client, make_user):
    user = make_user()
    login(client, user)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - idle + timedelta(1e-3)))
    db.session.commit()
    # Just inside the idle time: still signed in (and the visit moves last_seen_at on).
    assert signed_in(client)
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - idle))
    db.session.commit()
    assert not signed_in(client)

    login(client, user)
    db.session.execute(
        update(UserSession)
        .where(UserSession.ended_at.is_(None))
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    assert not signed_in(client)  # however active the session is


def test_the_session_check_is_one_query(app, client, make_user):
    user = make_user()
    login(client, user)
    client.get("/account")  # the first visit may record last_seen_at
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ANN001
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get("/healthz").status_code == 200
        assert client.get("/certificates").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    session_queries = [s for s in statements if "user_sessions" in s]
    # /healthz does not load the user; a page loads it with one SELECT of both tables.
    assert len(session_queries) == 1, session_queries
    assert "users" in session_queries[0] and session_queries[0].lstrip().startswith("SELECT")


# One-time links ------------------------------------------------------------------------------


def reset_links(app) -> list[str]:
    return [
        link.replace("http://localhost", "")
        for link in outbox_links(app)
        if "/reset-password/" in link
    ]


def test_a_newer_reset_link_voids_the_older_one(app, client, make_user):
    user = make_user()
    client.post("/forgot-password", data={"email": user.email})
    client.post("/forgot-password", data={"email": user.email})
    old, new = reset_links(app)
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(old, data=data).status_code == 400
    assert client.post(new, data=data).status_code == 302


def test_a_successful_reset_voids_every_other_reset_link(app, client, make_user):
    user = make_user()
    first = links.issue_token(user, TokenPurpose.RESET)
    invite = links.issue_token(user, TokenPurpose.INVITE)
    # A second reset link, which cannot coexist with the first (latest only):
    second = links.issue_token(user, TokenPurpose.RESET)
    assert not accounts.token_is_valid(first, TokenPurpose.RESET)
    accounts.use_token_to_set_password(second, TokenPurpose.RESET, NEW_PASSWORD)
    assert not accounts.token_is_valid(second, TokenPurpose.RESET)
    assert not accounts.token_is_valid(invite, TokenPurpose.INVITE)


def test_a_password_change_voids_a_pending_reset_link(app, client, make_user):
    user = make_user()
    pending = links.issue_token(user, TokenPurpose.RESET)
    accounts.change_password(user, PASSWORD, NEW_PASSWORD)
    assert not accounts.token_is_valid(pending, TokenPurpose.RESET)


def test_a_refused_password_does_not_spend_the_link(app, make_user):
    user = make_user()
    token = links.issue_token(user, TokenPurpose.RESET)
    with pytest.raises(accounts.AccountError):
        accounts.use_token_to_set_password(token, TokenPurpose.RESET, "password")
    assert accounts.token_is_valid(token, TokenPurpose.RESET)


def test_a_link_is_spent_once_even_by_two_simultaneous_claims(app, make_user):
    user = make_user(verified=False)
    token = links.issue_token(user, TokenPurpose.VERIFY)
    first = links.claim(token, TokenPurpose.VERIFY)
    second = links.claim(token, TokenPurpose.VERIFY)  # same moment, same token
    db.session.commit()
    assert first is not None and second is None
    assert db.session.execute(select(OneTimeToken.used_at)).scalar() is not None


def test_an_invitation_link_dies_once_used(app, client):
    user = accounts.create_user("inv@example.test", display_name="Inv", password=None)
    token = links.issue_token(user, TokenPurpose.INVITE)
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post(f"/invite/{token}", data=data).status_code == 302
    client.post("/logout")
    assert client.post(f"/invite/{token}", data=data).status_code == 400
