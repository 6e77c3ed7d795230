"""training.signed_cache: a session cookie verified once per process and a CSRF token signed
once a minute per session change nothing a request can see: a forged or expired cookie is
still refused, each request gets its own copy of the session, and a reused token validates."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask, session
from flask.testing import FlaskClient

from courses import services
from courses.loader import get_course
from tests.conftest import PASSWORD
from tests.courses.course_factory import write_course
from training.extensions import csrf
from training.signed_cache import CSRF_REUSE_SECONDS, CachingSessionInterface

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PAGE = "/courses/mini/01-first"


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    root = tmp_path / "courses"
    write_course(root, "mini")
    return {
        "COURSES_DIR": str(root),
        "WTF_CSRF_ENABLED": True,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=1),
    }


def session_cookie(client: FlaskClient, app: Flask) -> str:
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    return cookie.value


def _token(client: FlaskClient, path: str = PAGE) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return TOKEN.search(response.get_data(as_text=True))[1]


def _signed_in(app: Flask, make_user) -> FlaskClient:
    user = make_user("learner")
    services.enrol(user, get_course("mini"))
    client = app.test_client()
    response = client.post(
        "/login",
        data={"csrf_token": _token(client, "/login"), "email": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def probe(app: Flask) -> Flask:
    """Two routes reading and writing the session (registered before the first request)."""

    @app.get("/_probe/session")
    def read_session() -> dict:
        return {key: session[key] for key in sorted(session)}

    @app.post("/_probe/session/<value>")
    @csrf.exempt
    def write_session(value: str) -> str:
        session["probe"] = value
        session.setdefault("visits", []).append(value)  # a list: such a session is not kept
        return "ok"

    return app


def test_the_app_uses_the_caching_interface(app: Flask) -> None:
    assert isinstance(app.session_interface, CachingSessionInterface)


def test_a_verified_cookie_gives_each_request_its_own_copy(probe: Flask) -> None:
    client = probe.test_client()
    with client.session_transaction() as stored:
        stored["probe"] = "first"
    cookie = session_cookie(client, probe)
    assert client.get("/_probe/session").json == {"probe": "first"}
    # A request that changes its session must not change what the same cookie means later.
    assert client.post("/_probe/session/second").status_code == 200
    client.set_cookie(probe.config["SESSION_COOKIE_NAME"], cookie)
    assert client.get("/_probe/session").json == {"probe": "first"}


def test_a_session_holding_a_list_is_read_afresh(probe: Flask) -> None:
    client = probe.test_client()
    client.post("/_probe/session/a")
    client.post("/_probe/session/b")
    assert client.get("/_probe/session").json == {"probe": "b", "visits": ["a", "b"]}


def test_a_tampered_cookie_is_an_empty_session(probe: Flask) -> None:
    client = probe.test_client()
    with client.session_transaction() as stored:
        stored["probe"] = "mine"
    cookie = session_cookie(client, probe)
    assert client.get("/_probe/session").json == {"probe": "mine"}  # now verified and kept
    payload, _, signature = cookie.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    client.set_cookie(probe.config["SESSION_COOKIE_NAME"], forged)
    assert client.get("/_probe/session").json == {}


def test_an_expired_cookie_is_refused_even_once_verified(probe: Flask) -> None:
    client = probe.test_client()
    with time_machine.travel("2026-12-01 10:00:00Z", tick=False) as traveller:
        with client.session_transaction() as stored:
            stored["probe"] = "mine"
        assert client.get("/_probe/session").json == {"probe": "mine"}
        traveller.shift(timedelta(minutes=59))
        assert client.get("/_probe/session").json == {"probe": "mine"}
        traveller.shift(timedelta(minutes=2))  # the hour of PERMANENT_SESSION_LIFETIME is over
        assert client.get("/_probe/session").json == {}


def test_the_module_page_token_is_reused_for_a_minute_and_still_validates(
    app: Flask, make_user
) -> None:
    with time_machine.travel("2026-12-01 10:00:00Z", tick=False) as traveller:
        client = _signed_in(app, make_user)
        first = _token(client)
        traveller.shift(timedelta(seconds=CSRF_REUSE_SECONDS - 1))
        assert _token(client) == first
        traveller.shift(timedelta(seconds=2))
        assert _token(client) != first  # signed again after a minute
        response = client.post(f"{PAGE}/done", data={"csrf_token": first})
        assert response.status_code == 302  # the reused token is a valid token


def test_another_session_never_gets_this_sessions_token(app: Flask, make_user) -> None:
    one, other = _signed_in(app, make_user), _signed_in(app, make_user)
    token_one, token_other = _token(one), _token(other)
    assert token_one != token_other
    response = other.post(f"{PAGE}/done", data={"csrf_token": token_one})
    assert response.status_code == 400  # a session's token is refused in another session
