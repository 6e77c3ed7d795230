"""No 500 from ids or NUL bytes; no-store for signed-in users; TRUSTED_PROXIES (ProxyFix)."""

from __future__ import annotations

import pytest

from tests.conftest import make_app
from training.request_guards import DB_INT_MAX


@pytest.mark.parametrize(
    "path",
    [
        f"/cohorts/{2**63}",
        f"/cohorts/{2**64 + 5}/learners/1",
        f"/cohorts/1/learners/{10**30}",
        f"/cohorts/{DB_INT_MAX + 1}",
        f"/admin/users/{2**63}/role",
    ],
)
def test_ids_beyond_the_database_integers_are_404(login_as, client, path):
    login_as("admin")
    method = client.post if path.endswith("/role") else client.get
    assert method(path).status_code == 404


def test_the_largest_integer_is_still_an_ordinary_unknown_id(login_as, client):
    login_as("admin")
    assert client.get(f"/cohorts/{DB_INT_MAX}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/courses/x/media/a%00.png",
        "/courses/%00",
        "/verify/abc%00def",
        "/join/AB%00CD",
        "/login?next=%2F%00",
        "/admin/users?q=%00",
    ],
)
def test_a_nul_byte_in_the_path_or_query_is_400(client, path):
    assert client.get(path).status_code == 400


def test_a_nul_byte_in_a_form_is_400_and_changes_nothing(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email + "\x00", "password": "x"})
    assert response.status_code == 400
    response = client.post("/register", data={"email\x00": "a@example.test"})
    assert response.status_code == 400


def test_signed_in_pages_are_not_stored(login_as, client):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login_as("admin")
    for path in ("/account", "/dashboard", "/certificates", "/admin/users", "/cohorts/"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    # The app's own static files (the same for everyone) may still be cached.
    static = client.get("/static/css/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_the_verify_by_upload_answer_is_not_stored(client):
    response = client.post("/verify", data={})
    assert response.headers["Cache-Control"] == "no-store"


def _login_statuses(client, forwarded_for: str, count: int) -> list[int]:
    return [
        client.post(
            "/login",
            data={"email": f"x{n}@example.test", "password": "wrong pass"},
            headers={"X-Forwarded-For": forwarded_for},
        ).status_code
        for n in range(count)
    ]


def test_without_trusted_proxies_a_forged_address_does_not_escape_the_limit(app, client):
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    assert _login_statuses(client, "203.0.113.1", limit) == [200] * limit
    # Another forwarded address is ignored: it is still the same client.
    assert _login_statuses(client, "203.0.113.2", 1) == [429]


def test_behind_a_trusted_proxy_the_limit_keys_on_the_real_client(database_url, tmp_path):
    app = make_app(database_url, tmp_path, TRUSTED_PROXIES=1)
    with app.app_context():
        client = app.test_client()
        limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
        assert _login_statuses(client, "203.0.113.1", limit) == [200] * limit
        assert _login_statuses(client, "203.0.113.1", 1) == [429]
        assert _login_statuses(client, "203.0.113.2", 1) == [200]
