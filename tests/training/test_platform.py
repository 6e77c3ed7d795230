"""Safety nets: CSRF, rate limits (memory and Redis), request size, headers, error pages,
roles, the admin page, and models that agree with the migrations."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import abort

from tests.conftest import PASSWORD, make_app
from training.extensions import db
from training.models import User


@pytest.fixture
def csrf_client(database_url, tmp_path):
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app.test_client()


def test_form_without_csrf_token_is_refused(csrf_client):
    response = csrf_client.post("/login", data={"email": "a@example.test", "password": "x" * 9})
    assert response.status_code == 400
    assert b"Bad request" in response.data


def test_logout_without_csrf_token_is_refused(database_url, tmp_path, make_user):
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        user = make_user()
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302
        assert client.post("/logout").status_code == 400
        assert client.get("/account").status_code == 200  # still logged in


def test_too_many_logins_get_429(client, app):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    # A different address each time: this is the per-client limit, not the per-account backoff.
    statuses = [
        client.post(
            "/login", data={"email": f"x{n}@example.test", "password": "wrong pass"}
        ).status_code
        for n in range(limit + 1)
    ]
    assert statuses[:limit] == [200] * limit
    assert statuses[-1] == 429
    assert b"Too many attempts" in client.post("/login", data={}).data


def _redis_url() -> str | None:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required under CI=true but {url} is not reachable")
        pytest.skip(f"Redis not reachable at {url}")
    return url


def test_login_limit_is_shared_between_app_servers_through_redis(database_url, tmp_path):
    """Two app instances (two servers) on one Redis share one login budget."""
    url = _redis_url()
    prefix = f"test-{uuid.uuid4().hex}"
    apps = [
        make_app(
            database_url,
            tmp_path,
            RATELIMIT_STORAGE_URI=url,
            RATELIMIT_KEY_PREFIX=prefix,
            LOGIN_RATE_LIMIT="4 per minute",
        )
        for _ in range(2)
    ]
    statuses = []
    for n in range(5):
        app = apps[n % 2]
        with app.app_context():
            statuses.append(
                app.test_client()
                .post("/login", data={"email": f"x{n}@example.test", "password": "wrong pass"})
                .status_code
            )
    assert statuses == [200, 200, 200, 200, 429]


def test_oversized_request_gets_413(client, app):
    too_big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data={"email": too_big, "password": "x"})
    assert response.status_code == 413
    assert b"Too large" in response.data


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    ("code", "title"),
    [(400, b"Bad request"), (403, b"Not allowed"), (404, b"Page not found"), (500, b"went wrong")],
)
def test_friendly_error_pages(app, client, code, title):
    @app.get(f"/boom-{code}")
    def boom():
        if code == 500:
            raise RuntimeError("kaboom")
        abort(code)

    response = client.get(f"/boom-{code}")
    assert response.status_code == code
    assert title in response.data
    assert b"kaboom" not in response.data
    assert b'<main id="main"' in response.data


def test_role_decorators_and_admin_page(client, login_as):
    login_as("trainer")
    assert client.get("/admin/users").status_code == 403
    client.post("/logout")
    login_as("admin")
    assert client.get("/admin/users").status_code == 200


def test_admin_changes_a_role(client, login_as, make_user):
    admin = login_as("admin")
    learner = make_user()
    response = client.post(
        f"/admin/users/{learner.id}/role", data={f"u{learner.id}-role": "trainer"}
    )
    assert response.status_code == 302
    db.session.refresh(learner)
    assert learner.role == "trainer"
    # An admin cannot remove their own admin role (someone must stay in charge).
    client.post(f"/admin/users/{admin.id}/role", data={f"u{admin.id}-role": "learner"})
    db.session.refresh(admin)
    assert admin.role == "admin"
    assert client.get("/admin/users?q=trainer").status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_health(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_models_and_migrations_agree(app):
    """Autogenerate finds no difference between the migrated database and the models."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_user_table_enforces_roles(app):
    from sqlalchemy.exc import IntegrityError

    db.session.add(User(email="bad@example.test", display_name="b", full_name="b", role="god"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_form_validation_messages_follow_each_requests_language(client):
    """WTForms' own messages come from a per-locale cache: French, then English, then French."""
    for language, expected in (
        ("fr", "Ce champ est requis"),
        ("en", "This field is required"),
        ("fr", "Ce champ est requis"),
    ):
        response = client.post(
            "/register", data={"email": "x"}, headers={"Accept-Language": language}
        )
        assert expected in response.get_data(as_text=True)


def test_migrations_have_a_single_head():
    """`flask db upgrade` needs one head: a feature migration branching from an older revision
    must be joined with `flask db merge`."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from tests.conftest import ROOT

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
