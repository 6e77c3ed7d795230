"""Privacy fixtures: the cohort tests' course (cohort, members, seeders) and a local SMTP
server (aiosmtpd) that records what it receives."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.cohorts.conftest import (  # noqa: F401  (fixtures)
    SLUG,
    cohort,
    course,
    login,
    member,
    trainer,
    write_course,
)
from tests.training.test_mail_queue import FlakyHandler, _free_port


@pytest.fixture
def smtp_port() -> int:
    return _free_port()


@pytest.fixture
def app_config(tmp_path: Path, smtp_port: int) -> dict[str, object]:
    content = tmp_path / "content"
    write_course(content)
    return {
        "COURSES_DIR": str(content),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_port,
        "SMTP_STARTTLS": False,
        "PRIVACY_CONTROLLER_NAME": "Centre Exemple SAS",
        "PRIVACY_CONTACT_EMAIL": "dpo@centre-exemple.test",
        "SESSION_IDLE_MINUTES": 60 * 24 * 30,
        "SESSION_ABSOLUTE_HOURS": 24 * 30,
    }


@pytest.fixture
def smtp(smtp_port: int):
    handler = FlakyHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield handler
    controller.stop()


def received(handler: FlakyHandler, subject_part: str) -> list[email.message.EmailMessage]:
    """The messages the SMTP server received whose subject contains ``subject_part``."""
    messages = [
        email.message_from_bytes(raw, policy=email.policy.default) for _to, raw in handler.received
    ]
    return [m for m in messages if subject_part in str(m["Subject"])]


def export_link(message: email.message.EmailMessage) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    links = re.findall(r"https?://\S+/account/data-export/\S+", text)
    assert len(links) == 1, text
    return links[0].replace("http://localhost", "")
