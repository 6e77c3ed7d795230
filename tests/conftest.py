"""Shared fixtures: app, client, runner, an auth helper and factories (Flask tutorial style)."""

from __future__ import annotations

import atexit
import email
import email.policy
import functools
import itertools
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from werkzeug.test import TestResponse

from tests.support import routing_cache
from tests.support.database import commits_without_fsync, empty_all_tables, test_database_url
from training import create_app
from training.extensions import db

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
PASSWORD = "correct horse battery"
routing_cache.install()  # each test's app reuses the URL builders compiled for the first one
commits_without_fsync()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Build the schema once per session with the real migrations (`flask db upgrade`)."""
    url = test_database_url(str(tmp_path_factory.mktemp("db")))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    return url


class IsolatedClient(FlaskClient):
    """A test client whose requests do not share ``g`` with each other.

    Tests keep an app context pushed (so they can call services); Flask then reuses it for the
    client's requests, and anything cached on ``g`` (the logged-in user, the locale) would leak
    from one request into the next. Real requests each get a fresh ``g``; so do these.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@functools.cache
def credential_key_file() -> str:
    """One issuer signing key per test process (each xdist worker makes its own)."""
    from credentials import keys

    folder = tempfile.mkdtemp(prefix="passerelle-keys-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = Path(folder) / "credential-keys.json"
    keys.generate(path)
    return str(path)


def make_app(database_url: str, tmp_path: Path, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "TASK_QUEUE_IMMEDIATE": True,  # tasks run in the caller; tests/training/test_worker*
        "BASE_URL": "http://localhost",
        "RATELIMIT_STORAGE_URI": "memory://",
        "CERTIFICATE_PDFA": False,
        # Courses are loaded, not read from the on-disk cache (tests/courses/test_content_cache.py).
        "CONTENT_CACHE_DIR": "",
        "CREDENTIAL_KEY_FILE": credential_key_file(),
        # Cheap argon2id in tests: hundreds of accounts are created; production keeps the cost.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_KIB": 1024,
        "ARGON2_PARALLELISM": 1,
    }
    config.update(overrides)
    application = create_app(config)
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture
def app_config() -> dict[str, object]:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, app_config: dict[str, object]) -> Iterator[Flask]:
    application = make_app(database_url, tmp_path, **app_config)
    with application.app_context():
        yield application
        empty_all_tables(db)
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


_sequence = itertools.count(1)


@pytest.fixture
def make_user(app: Flask):
    """Factory: make_user(role="trainer", email=..., full_name=..., password=...)."""
    from training import accounts

    def factory(
        role: str = "learner",
        *,
        email: str | None = None,
        display_name: str | None = None,
        full_name: str | None = None,
        password: str = PASSWORD,
        language: str = "en",
        verified: bool = True,
    ):
        n = next(_sequence)
        return accounts.create_user(
            email or f"{role}{n}@example.test",
            display_name=display_name or f"{role.title()} {n}",
            full_name=full_name or f"{role.title()} Person {n}",
            password=password,
            role=role,
            language=language,
            verified=verified,
        )

    return factory


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = PASSWORD, **extra: object):
        return self._client.post("/login", data={"email": email, "password": password, **extra})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def login_as(client: FlaskClient, make_user):
    """login_as("trainer") → a new user of that role, logged in on `client`."""

    def do(role: str = "learner", **kwargs: object):
        user = make_user(role, **kwargs)
        response = AuthActions(client).login(user.email)
        assert response.status_code == 302, response.data[:500]
        return user

    return do


def outbox_links(app: Flask) -> list[str]:
    """Every link written to the mail outbox, oldest first."""
    outbox = Path(app.config["OUTBOX_DIR"])
    links: list[str] = []
    # Oldest first by write time: names only order mails to the second.
    for path in sorted(outbox.glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name)):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        links += re.findall(r"https?://\S+", text)
    return links
