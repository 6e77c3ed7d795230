"""The module page served from the page cache (training.page_cache): the same bytes as a live
render, its own CSRF token per session, and never a stale page after a change of content,
locale, role, progress, flash message or erasure banner."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from courses import services
from courses.loader import get_catalogue, get_course
from privacy.erasure_models import SCHEDULED, ErasureRequest
from tests.conftest import PASSWORD
from tests.courses.course_factory import FIRST_MD, write_course
from training.extensions import db
from training.page_cache import page_cache
from training.timeutil import utcnow

PAGE = "/courses/mini/01-first"
TOKEN = re.compile(r'(name="csrf_token" type="hidden" value=|data-csrf=)"([^"]+)"')


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, object]:
    root = tmp_path / "courses"
    write_course(root, "mini")
    return {"COURSES_DIR": str(root), "WTF_CSRF_ENABLED": True, "CONTENT_AUTO_RELOAD": True}


def _token(html: str) -> str:
    tokens = {found[1] for found in TOKEN.findall(html)}
    assert len(tokens) == 1, tokens  # every form of the page carries the request's token
    return tokens.pop()


def _login(client, email: str) -> None:
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    assert response.status_code == 302


@pytest.fixture
def learner(app, client, make_user):
    user = make_user("learner")
    services.enrol(user, get_course("mini"))
    _login(client, user.email)
    return user


def _page(client, path: str = PAGE) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _without_token(html: str) -> str:
    return TOKEN.sub(r'\1"TOKEN"', html)


def test_a_cached_page_is_the_live_page_with_this_requests_token(app, client, learner):
    app.config["PAGE_CACHE"] = False
    live = _page(client)
    assert len(page_cache()) == 0
    app.config["PAGE_CACHE"] = True
    first, second = _page(client), _page(client)  # rendered, then from the cache
    assert len(page_cache()) == 1
    assert _without_token(first) == _without_token(second) == _without_token(live)
    assert "csrf-hole" not in second
    assert TOKEN.search(second)


def test_each_session_gets_its_own_token_and_it_is_accepted(app, client, learner, make_user):
    html = _page(client)
    other = app.test_client()
    someone = make_user("learner")
    services.enrol(someone, get_course("mini"))
    _login(other, someone.email)
    theirs = _page(other)
    assert len(page_cache()) == 1  # the same page for both learners
    assert _token(theirs) != _token(html)
    done = other.post(f"{PAGE}/done", data={"csrf_token": _token(theirs)})
    assert done.status_code == 302
    # a token from another session is refused
    assert client.post(f"{PAGE}/done", data={"csrf_token": _token(theirs)}).status_code == 400


def test_progress_shows_at_once(client, learner):
    html = _page(client)
    assert "Not done yet" in html
    response = client.post(f"{PAGE}/done", data={"csrf_token": _token(html)})
    assert response.status_code == 302
    client.get(response.headers["Location"])  # the flash message is shown there
    html = _page(client)
    assert "You marked this module as done." in html and "Not done yet" not in html


def test_edited_content_shows_at_once(app, client, learner, tmp_path):
    assert "A new paragraph" not in _page(client)
    module = tmp_path / "courses" / "mini" / "modules" / "01-first.md"
    module.write_text(FIRST_MD + "\nA new paragraph.\n", encoding="utf-8")
    get_catalogue(refresh=True)
    assert "A new paragraph" in _page(client)


def test_the_language_and_the_role_are_part_of_the_key(app, client, learner, make_user):
    english = _page(client)
    assert '<html lang="en">' in english
    learner.language = "fr"
    db.session.commit()
    french = _page(client)
    assert '<html lang="fr">' in french and "Se déconnecter" in french
    trainer_client = app.test_client()
    trainer = make_user("trainer")
    _login(trainer_client, trainer.email)
    as_trainer = _page(trainer_client)
    assert 'href="/cohorts/"' in as_trainer and 'href="/cohorts/"' not in english
    assert 'href="/cohorts/"' not in _page(client)


def test_flash_messages_query_strings_and_the_erasure_banner_are_live(app, client, learner):
    _page(client)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A passing message")]
    assert "A passing message" in _page(client)
    assert "A passing message" not in _page(client)  # shown once, as before
    with_query = _page(client, PAGE + "?from=mail")
    assert 'value="/courses/mini/01-first?from=mail"' in with_query
    db.session.add(
        ErasureRequest(
            user_id=learner.id, status=SCHEDULED, scheduled_for=utcnow() + timedelta(days=3)
        )
    )
    db.session.commit()
    assert "Your account will be erased on" in _page(client)
