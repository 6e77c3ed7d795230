"""No account oracle: registration does the same work and shows the same page either way;
mails to an address, registrations and logins are rate-limited; failed logins back off per
address. No wall-clock assertion here: equal work is counted (bench/ prints timings)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

import training.accounts
import training.links
import training.passwords
from tests.conftest import PASSWORD
from training.extensions import db
from training.login_throttle import delay_after
from training.session_models import LoginThrottle
from training.timeutil import utcnow


class Counter:
    def __init__(self, monkeypatch, module, name):
        self.calls = 0
        real = getattr(module, name)

        def counted(*args, **kwargs):
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)


def registration(email: str) -> dict[str, str]:
    return {
        "email": email,
        "display_name": "Sam",
        "full_name": "Sam Martin",
        "password": "several unrelated words",
        "confirm": "several unrelated words",
        "language": "en",
        "privacy_consent": "y",
    }


def _work(app, client, monkeypatch, email):
    hashes = Counter(monkeypatch, training.accounts, "hash_password")
    mails_a = Counter(monkeypatch, training.accounts, "send_mail")
    mails_l = Counter(monkeypatch, training.links, "send_mail")
    commits = []
    listener = lambda conn: commits.append(1)  # noqa: E731
    event.listen(db.engine, "commit", listener)
    try:
        response = client.post("/register", data=registration(email))
    finally:
        event.remove(db.engine, "commit", listener)
    return response, hashes.calls, mails_a.calls + mails_l.calls, len(commits)


def test_taken_and_free_addresses_get_the_same_page_and_the_same_work(
    app, client, make_user, monkeypatch
):
    make_user(email="taken@example.test")
    taken = _work(app, client, monkeypatch, "taken@example.test")
    monkeypatch.undo()
    free = _work(app, client, monkeypatch, "free@example.test")
    page_taken = taken[0].get_data(as_text=True).replace("taken@", "X@")
    page_free = free[0].get_data(as_text=True).replace("free@", "X@")
    assert taken[0].status_code == free[0].status_code == 200
    assert page_taken == page_free
    # One argon2id hash, one mail, the same commits on both paths: the account or token, the
    # outbox row, then (the queue runs in immediate mode here) the delivery's claim and result.
    assert taken[1:] == free[1:] == (1, 1, 4)


def test_registration_is_rate_limited_per_client(app, client):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    statuses = [
        client.post("/register", data=registration(f"r{n}@example.test")).status_code
        for n in range(limit + 1)
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]


@pytest.mark.parametrize(
    "path", ["/register", "/forgot-password", "/confirm/resend"], ids=lambda p: p.strip("/")
)
def test_mails_to_one_address_are_limited_whatever_the_page_or_client(app, client, path):
    limit = int(app.config["ADDRESS_MAIL_RATE_LIMIT"].split()[0])
    data = registration("target@example.test")
    statuses = [
        client.post(path, data=data, environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code
        for n in range(limit)
    ]
    assert 429 not in statuses
    # The next request for that address, from yet another client and another page: refused.
    other = "/forgot-password" if path != "/forgot-password" else "/confirm/resend"
    refused = client.post(other, data=data, environ_base={"REMOTE_ADDR": "198.51.100.99"})
    assert refused.status_code == 429
    # Another address is unaffected.
    data["email"] = "someone.else@example.test"
    assert client.post(path, data=data).status_code == 200


def test_the_resend_page_answers_the_same_for_any_address(client, make_user):
    make_user(email="unconfirmed@example.test", verified=False)
    known = client.post("/confirm/resend", data={"email": "unconfirmed@example.test"})
    unknown = client.post("/confirm/resend", data={"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).replace("unconfirmed@", "X@") == unknown.get_data(
        as_text=True
    ).replace("nobody@", "X@")


def test_delays_double_up_to_the_cap():
    assert [delay_after(n, 5, 300) for n in range(1, 14)] == [
        0, 0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300
    ]  # fmt: skip


@pytest.mark.parametrize("exists", [True, False], ids=["account", "no-account"])
def test_failed_logins_back_off_per_address(app, client, make_user, monkeypatch, exists):
    email = "victim@example.test"
    if exists:
        make_user(email=email)
    free = app.config["LOGIN_BACKOFF_FREE"]
    for n in range(free):
        ip = {"REMOTE_ADDR": f"192.0.2.{n}"}  # a botnet: each guess from another address
        response = client.post(
            "/login", data={"email": email, "password": "wrong guess"}, environ_base=ip
        )
        assert response.status_code == 200
    verifications = Counter(monkeypatch, training.accounts, "verify_password")
    blocked = client.post("/login", data={"email": email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert b"Too many failed attempts for this address" in blocked.data
    assert verifications.calls == 0  # no guess is even checked while the address waits
    # Another address is not slowed down.
    assert client.post("/login", data={"email": "x@example.test", "password": "x"}).status_code == (
        200
    )
    # Once the wait is over, the right password works and the failures are forgotten.
    db.session.execute(update(LoginThrottle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    if exists:
        assert response.status_code == 302
        assert db.session.execute(select(LoginThrottle.failures)).all() == [(1,)]  # x@ only
    else:
        assert response.status_code == 200


def test_each_further_failure_waits_longer(app, client):
    email = "slow@example.test"
    waits = []
    for _ in range(8):
        client.post("/login", data={"email": email, "password": "guess"})
        row = db.session.execute(select(LoginThrottle)).scalar_one()
        db.session.refresh(row)
        waits.append(round((row.blocked_until - row.last_failure_at).total_seconds())
                     if row.blocked_until else 0)  # fmt: skip
        db.session.execute(update(LoginThrottle).values(blocked_until=None))
        db.session.commit()
    assert waits == [0, 0, 0, 0, 2, 4, 8, 16]
