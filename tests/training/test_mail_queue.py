"""Mail through the outbox and the queue, against a real local SMTP server (aiosmtpd).

The queue runs in immediate mode here: queuing a mail delivers it in the caller, and the
sweep is called as the worker's scheduler would, with a clock moved past the backoff.
"""

from __future__ import annotations

import email
import email.policy
import logging
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from flask_babel import force_locale
from sqlalchemy import func, select

from training import outbox, queue
from training.extensions import db
from training.mail import send_mail
from training.outbox import OutboxMessage
from training.timeutil import utcnow


class FlakyHandler:
    """Refuses the first ``refusals`` recipients with ``code``, then accepts everything."""

    def __init__(self, refusals: int = 0, code: str = "451 4.3.0 Try again later") -> None:
        self.refusals = refusals
        self.code = code
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refusals > 0:
            self.refusals -= 1
            return self.code
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port() -> int:
    return _free_port()


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_STARTTLS": False}


def serve(handler: FlakyHandler, port: int, smtputf8: bool = True) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    return controller


def _parse(raw: bytes) -> email.message.EmailMessage:
    # UTF-8 headers (RFC 6532) are read as text: the bytes parser would keep them escaped.
    return email.message_from_string(raw.decode("utf-8"), policy=email.policy.default)


def test_a_refusing_server_loses_no_mail(app, smtp_port, make_user, caplog):
    handler = FlakyHandler(refusals=2)
    controller = serve(handler, smtp_port)
    try:
        user = make_user(email="sam@example.test")
        with caplog.at_level(logging.WARNING, logger="passerelle.mail"):
            message = send_mail(user, "Hello", "Body")
        row = db.session.get(OutboxMessage, message.id)
        assert (row.status, row.attempts) == ("retry", 1)
        assert "451" in row.last_error and "retrying" in caplog.text
        assert handler.received == []
        # Before the backoff has passed, the sweep leaves it alone.
        assert outbox.sweep(now=utcnow()) == 0
        later = utcnow() + timedelta(hours=2)
        outbox.sweep(now=later)  # second refusal
        assert db.session.get(OutboxMessage, message.id).status == "retry"
        outbox.sweep(now=later + timedelta(hours=2))
        row = db.session.get(OutboxMessage, message.id)
        assert (row.status, row.attempts) == ("sent", 3)
        assert len(handler.received) == 1  # exactly once
        assert handler.received[0][0] == ["sam@example.test"]
    finally:
        controller.stop()


def test_a_permanent_refusal_is_dead_lettered_and_logged(app, smtp_port, make_user, caplog):
    handler = FlakyHandler(refusals=1, code="550 5.1.1 No such user")
    controller = serve(handler, smtp_port)
    try:
        user = make_user(email="nobody@example.test")
        with caplog.at_level(logging.ERROR, logger="passerelle.mail"):
            message = send_mail(user, "Hello", "Body")
        row = db.session.get(OutboxMessage, message.id)
        assert row.status == "dead" and "550" in row.last_error
        assert f"Mail {message.id}" in caplog.text and "dead" in caplog.text
        assert [m.id for m in outbox.dead_letters()] == [message.id]
        assert outbox.sweep(now=utcnow() + timedelta(days=1)) == 0  # never retried
    finally:
        controller.stop()


def test_too_many_temporary_failures_end_in_the_dead_letter_state(app, make_user):
    # Nothing listens on the port: every attempt fails to connect.
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    message = send_mail(make_user(), "Hello", "Body")
    when = utcnow()
    for _ in range(3):
        when += timedelta(hours=2)
        outbox.sweep(now=when)
    row = db.session.get(OutboxMessage, message.id)
    assert (row.status, row.attempts) == ("dead", 3)
    assert "Error" in row.last_error


def test_non_ascii_name_and_address_with_smtputf8(app, smtp_port, make_user):
    handler = FlakyHandler()
    controller = serve(handler, smtp_port, smtputf8=True)
    try:
        user = make_user(
            email="élodie.martin@example.test", full_name="Élodie Martin", language="fr"
        )
        with force_locale("fr"):
            send_mail(user, "Votre certificat « CAP »", "Bonjour Élodie,\n\nhttps://x.test/a")
        ((rcpt, raw),) = handler.received
        assert rcpt == ["élodie.martin@example.test"]
        mail = _parse(raw)
        assert mail["To"].addresses[0].username == "élodie.martin"
        assert mail["To"].addresses[0].display_name == "Élodie Martin"
        assert "=?" not in raw.split(b"\r\n\r\n")[0].decode().split("To:")[1].split("\r\n")[0]
        assert str(mail["Subject"]) == "Votre certificat « CAP »"
        assert mail["Content-Language"] == "fr"
        assert mail.get_content_type() == "multipart/alternative"
        body = email.message_from_bytes(raw, policy=email.policy.default)  # 8-bit body parts
        text = body.get_body(("plain",)).get_content()
        html = body.get_body(("html",)).get_content()
        assert "Bonjour Élodie" in text
        assert '<html lang="fr">' in html and '<a href="https://x.test/a">' in html
    finally:
        controller.stop()


def test_non_ascii_address_without_smtputf8_is_dead_not_mangled(app, smtp_port, make_user):
    handler = FlakyHandler()
    controller = serve(handler, smtp_port, smtputf8=False)
    try:
        user = make_user(email="élodie.martin@example.test")
        message = send_mail(user, "Hello", "Body")
        row = db.session.get(OutboxMessage, message.id)
        assert row.status == "dead" and "SMTPUTF8" in row.last_error
        assert handler.received == []
    finally:
        controller.stop()


def test_ascii_name_headers_are_encoded_words(app, smtp_port, make_user):
    handler = FlakyHandler()
    controller = serve(handler, smtp_port, smtputf8=False)
    try:
        user = make_user(email="elodie@example.test", full_name="Élodie Martin")
        send_mail(user, "Année 2026", "x")
        ((_rcpt, raw),) = handler.received
        head = raw.split(b"\r\n\r\n")[0]
        assert head.isascii()  # no 8-bit header for a server without SMTPUTF8
        mail = _parse(raw)
        assert str(mail["To"]) == "Élodie Martin <elodie@example.test>"
        assert str(mail["Subject"]) == "Année 2026"
    finally:
        controller.stop()


def test_one_message_per_idempotency_key_and_one_delivery_per_message(app, make_user):
    app.config["SMTP_HOST"] = None  # the file outbox
    user = make_user()
    first = send_mail(user, "Reminder", "Body", key="reminder:1:2026-W49")
    assert send_mail(user, "Reminder", "Body", key="reminder:1:2026-W49") is None
    count = db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()
    assert count == 1
    assert db.session.get(OutboxMessage, first.id).status == "sent"
    assert outbox.deliver(first.id) == "skipped"  # a second worker handed the same message


def test_a_period_runs_once_across_callers(app):
    assert queue.claim_period("reminders.daily", "2026-12-01") is True
    assert queue.claim_period("reminders.daily", "2026-12-01") is False
    assert queue.claim_period("reminders.daily", "2026-12-02") is True


def test_queue_modes_follow_the_configuration(app, tmp_path):
    from huey import RedisHuey, SqliteHuey

    from tests.conftest import make_app

    assert queue.get_huey().immediate
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    embedded = make_app(url, tmp_path, TASK_QUEUE_IMMEDIATE=False, REDIS_URL=None)
    assert isinstance(queue.get_huey(embedded), SqliteHuey)
    redis = make_app(url, tmp_path, TASK_QUEUE_IMMEDIATE=False, REDIS_URL="redis://h:1/3")
    assert isinstance(queue.get_huey(redis), RedisHuey)
    assert {"mail.deliver", "mail.sweep"} <= set(queue.get_huey(redis).passerelle_tasks)
