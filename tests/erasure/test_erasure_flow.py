"""The learner's erasure, through HTTP: password, mail link (a real SMTP server), grace
period, banner, cancel, and the periodic task that carries it out."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from privacy import erasure, erasure_tasks
from privacy.erasure_models import CANCELLED, DONE, PENDING, SCHEDULED, ErasureRequest
from tests.conftest import PASSWORD
from tests.erasure.conftest import EMAIL
from training.extensions import db
from training.models import User
from training.timeutil import utcnow


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001, ANN201
        raw = envelope.original_content.decode("utf-8")
        self.messages.append(email.message_from_string(raw, policy=email.policy.default))
        return "250 Message accepted"

    def links(self) -> list[str]:
        found = []
        for message in self.messages:
            text = message.get_body(preferencelist=("plain",)).get_content()
            found += re.findall(r"https?://\S+", text)
        return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port() -> int:
    return _free_port()


@pytest.fixture
def app_config(courses_dir, smtp_port) -> dict[str, object]:  # noqa: ANN001
    return {
        "COURSES_DIR": str(courses_dir),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_port,
        "SMTP_STARTTLS": False,
    }


@pytest.fixture
def inbox(smtp_port):  # noqa: ANN001, ANN201
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield handler
    controller.stop()


def _request(client, password: str, certificates: str = "keep"):  # noqa: ANN001, ANN202
    return client.post("/account/delete", data={"password": password, "certificates": certificates})


def _confirm_link(inbox: Inbox) -> str:
    links = [link for link in inbox.links() if "/account/delete/confirm/" in link]
    assert links, inbox.links()
    return links[-1].removeprefix("http://localhost")


def test_the_whole_flow_with_a_cancel_then_the_erasure(app, client, auth, learner, inbox):
    assert auth.login(EMAIL).status_code == 302
    account = client.get("/account").get_data(as_text=True)
    assert "/account/delete" in account and "Delete my account" in account

    wrong = _request(client, "not my password")
    assert wrong.status_code == 200
    assert "Your password is not correct." in wrong.get_data(as_text=True)
    assert erasure.open_request(learner.id) is None
    assert inbox.messages == []

    assert _request(client, PASSWORD).status_code == 302
    assert erasure.open_request(learner.id).status == PENDING
    assert [m["To"].addresses[0].addr_spec for m in inbox.messages] == [EMAIL]
    link = _confirm_link(inbox)

    page = client.get(link)  # a GET (a mail scanner) changes nothing
    assert page.status_code == 200 and "Confirm the deletion" in page.get_data(as_text=True)
    assert erasure.open_request(learner.id).status == PENDING
    confirmed = client.post(link)
    assert confirmed.status_code == 200
    request = erasure.open_request(learner.id)
    assert request.status == SCHEDULED
    delay = request.scheduled_for - request.confirmed_at
    assert delay == timedelta(days=14)
    assert "will be erased on" in confirmed.get_data(as_text=True)
    assert client.post(link).status_code == 400  # one use
    assert "will be erased" in inbox.messages[-1]["Subject"]

    # Logged in during the grace period: a banner on every page, with the way to cancel.
    auth.logout()
    auth.login(EMAIL)
    home = client.get("/dashboard").get_data(as_text=True)
    assert "Your account will be erased on" in home and "Cancel the deletion" in home

    assert client.post("/account/delete/cancel").status_code == 302
    assert db.session.get(ErasureRequest, request.id).status == CANCELLED
    assert "Your account will be erased on" not in client.get("/dashboard").get_data(as_text=True)
    erasure_tasks.erase_due(utcnow() + timedelta(days=30))
    assert db.session.get(User, learner.id).email == EMAIL  # cancelled: nothing happens

    # Again, to the end: the periodic task erases the account once the grace period is over.
    _request(client, PASSWORD)
    client.post(_confirm_link(inbox))
    request = erasure.open_request(learner.id)
    assert erasure_tasks.erase_due(request.scheduled_for - timedelta(hours=2)) == 0
    assert db.session.get(User, learner.id).email == EMAIL
    assert erasure_tasks.erase_due(request.scheduled_for + timedelta(hours=1)) == 1
    db.session.expire_all()
    assert db.session.get(ErasureRequest, request.id).status == DONE
    user = db.session.get(User, learner.id)
    assert erasure.is_erased(user) and user.email != EMAIL and user.password_hash is None
    # The session is over and the old address and password open nothing.
    assert client.get("/account").status_code == 302
    assert auth.login(EMAIL).status_code == 200


def test_the_grace_period_follows_the_configuration(app, learner):
    app.config["ERASURE_GRACE_DAYS"] = 3
    erasure.request_erasure(learner, PASSWORD, keep_certificates=True)
    token = "known-token"
    request = erasure.open_request(learner.id)
    from training.links import hash_token

    request.token_hash = hash_token(token)
    db.session.commit()
    scheduled = erasure.confirm_erasure(token)
    assert scheduled.scheduled_for - scheduled.confirmed_at == timedelta(days=3)


def test_an_expired_link_is_refused_and_the_request_lapses(app, client, learner, inbox):
    erasure.request_erasure(learner, PASSWORD, keep_certificates=True)
    link = _confirm_link(inbox)
    request = erasure.open_request(learner.id)
    request.token_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(link)
    assert page.status_code == 400
    assert "invalid, has expired" in page.get_data(as_text=True)
    assert client.post(link).status_code == 400
    erasure.run_due()
    db.session.expire_all()
    assert db.session.get(ErasureRequest, request.id).status == CANCELLED


def test_asking_twice_keeps_one_open_request_and_only_the_newest_link(app, client, learner, inbox):
    erasure.request_erasure(learner, PASSWORD, keep_certificates=True)
    first = _confirm_link(inbox)
    erasure.request_erasure(learner, PASSWORD, keep_certificates=False)
    second = _confirm_link(inbox)
    assert first != second
    rows = db.session.execute(
        select(ErasureRequest.status).where(ErasureRequest.user_id == learner.id)
    ).scalars()
    assert sorted(rows) == [CANCELLED, PENDING]
    assert client.post(first).status_code == 400
    assert client.post(second).status_code == 200
    assert erasure.open_request(learner.id).keep_certificates is False


def test_french_pages_and_mail(app, client, auth, make_user, inbox):
    user = make_user("learner", language="fr")
    auth.login(user.email)
    page = client.get("/account/delete").get_data(as_text=True)
    assert "Supprimer mon compte" in page
    wrong = _request(client, "pas le bon").get_data(as_text=True)
    assert "Votre mot de passe n" in wrong
    _request(client, PASSWORD)
    assert "suppression" in inbox.messages[-1]["Subject"].lower()
