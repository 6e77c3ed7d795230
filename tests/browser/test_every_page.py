"""Every page, valid and accessible (issue 18, item 5): each GET endpoint of the access matrix
that answers an HTML page, for every role allowed to see it, in English and French, through the
Nu Html Checker (one Java run for all of them); and in Chromium at 360 and 1280 px, both
languages, with JavaScript on and off.

In Chromium, axe-core (no violation of any impact) runs only where JavaScript is on: axe is
JavaScript injected into the page, and in a context with JavaScript off its promise never settles,
so the call would hang rather than fail. The Nu Html Checker runs on both: on the DOM Chromium
built for each page with JavaScript on (after the scripts ran) and with it off, once per page,
role, language and JavaScript setting (one Java run), besides the served HTML checked above.

The world is the access matrix's (tests/security/test_access_matrix.py): six roles around one
cohort, with a quiz attempt, a role-play run, a certificate, an invitation, a block attestation.
A new endpoint gets its row there and is checked here without further work.

Marked ``every_page``: ``make test`` runs this walk in its PostgreSQL pass (the other browser
journeys run in the SQLite pass), so the pages are also seen in a browser on production's
database; without PostgreSQL it runs in the SQLite pass."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.browser.conftest import AxeNeedsJavaScript, axe_violations, keep_screenshot
from tests.security.access_matrix import MATRIX, OK, ROLES
from tests.security.test_access_matrix import (  # noqa: F401 (world is a fixture)
    World,
    routes,
    signed_in_client,
    url_of,
    world,
)
from tests.support import html_check
from training.extensions import db

pytestmark = pytest.mark.every_page

LANGUAGES = ("en", "fr")
WIDTHS = (360, 1280)
JAVASCRIPT = (True, False)
#: Who shows a page in Chromium: the first role allowed to (the owner of the world's data first).
#: Screenshots of these pages go to SHOTS, for a person to look at.
SHOT_PATHS = {"/", "/cohorts/1", "/cohorts/1/learners/2", "/courses/mini", "/courses/"}
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots/htmlvalid"))
AXE_ROLES = ("learner", "cohort_trainer", "admin", "anonymous", "other_learner", "other_trainer")


@dataclass(frozen=True)
class Page:
    path: str
    role: str


def html_pages(world: World) -> list[Page]:  # noqa: F811
    """(path, role) for each GET endpoint and each role the matrix lets in that gets a 200 HTML
    page (redirects, files, JSON and CSV are left out)."""
    pages = []
    for key, method, rule in routes(world.app):
        if method != "GET" or key not in MATRIX:
            continue
        path = url_of(world, key, rule)
        for role in ROLES:
            if MATRIX[key].expect[role] != OK:
                continue
            response = signed_in_client(world, role).get(path)
            if response.status_code == 200 and response.mimetype == "text/html":
                pages.append(Page(path, role))
            response.close()  # a streamed file (CSV, ZIP) is not read
    return pages


def set_language(world: World, language: str) -> None:  # noqa: F811
    for user in world.users.values():
        user.language = language
    db.session.commit()


@pytest.fixture(scope="module")
def pages(world: World) -> list[Page]:  # noqa: F811
    found = html_pages(world)
    assert len({p.path for p in found}) >= 40, "the walk found too few pages"
    return found


def test_every_page_passes_the_nu_html_checker(world: World, pages: list[Page]) -> None:  # noqa: F811
    html_check.require_checker()
    documents = {}
    for language in LANGUAGES:
        set_language(world, language)
        for page in pages:
            client = signed_in_client(world, page.role)
            response = client.get(page.path, headers={"Accept-Language": language})
            assert response.status_code == 200, (page, language)
            documents[f"{page.path} as {page.role} ({language})"] = response.get_data(as_text=True)
    set_language(world, "en")
    errors = html_check.check_documents(documents)
    failing = sorted({e.page for e in errors})
    details = "\n".join(str(e) for e in errors)
    assert not errors, f"vnu errors on {len(failing)} of {len(documents)} pages:\n{details}"


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[str]:  # noqa: F811
    live = make_server("127.0.0.1", 0, world.app, threaded=True)
    thread = threading.Thread(target=live.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{live.server_port}"
    live.shutdown()
    thread.join(timeout=5)


def session_cookie(world: World, role: str, server: str) -> list[dict[str, object]]:  # noqa: F811
    if role == "anonymous":
        return []
    client = signed_in_client(world, role)
    name = world.app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None
    return [{"name": name, "value": cookie.value, "url": server}]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("javascript", JAVASCRIPT, ids=("javascript", "no-javascript"))
def test_every_page_in_chromium_axe_with_javascript_vnu_with_and_without(
    browser,
    world: World,  # noqa: F811
    pages: list[Page],
    server: str,
    javascript: bool,
    language: str,
) -> None:
    """Each page with JavaScript on (axe-core, and vnu on the DOM) and off (vnu on the DOM only:
    axe cannot run there, see the module's docstring), at 360 and 1280 px, in one language.

    Each page is loaded once, at 360 px, then widened in place to 1280 px for axe (a second load
    at 1280 px cost one navigation per page, a fifth of this test's time, for the same DOM).
    Without JavaScript nothing at 1280 px is checked, so only the pages photographed are widened.

    One test per JavaScript setting and language, so that pytest-xdist spreads the four across
    its processes (one test doing all of them was the suite's longest chain)."""
    html_check.require_checker()
    shown: dict[str, str] = {}
    for page in pages:
        if page.path not in shown or AXE_ROLES.index(page.role) < AXE_ROLES.index(shown[page.path]):
            shown[page.path] = page.role
    by_role: dict[str, list[str]] = {}
    for path, role in sorted(shown.items()):
        by_role.setdefault(role, []).append(path)
    failures = []
    documents: dict[str, str] = {}
    SHOTS.mkdir(parents=True, exist_ok=True)
    setting = "JavaScript on" if javascript else "JavaScript off"
    set_language(world, language)
    try:
        for role, paths in by_role.items():
            context = browser.new_context(
                base_url=server,
                viewport={"width": WIDTHS[0], "height": 800},
                locale="fr-FR" if language == "fr" else "en-GB",
                java_script_enabled=javascript,
            )
            context.set_default_timeout(30_000)
            if javascript:
                # Every document of this walk is checked: Chromium puts axe-core (572 KB) in
                # each as it is created, instead of it crossing the driver at each check.
                context.add_init_script(AXE_SCRIPT)
            context.add_cookies(session_cookie(world, role, server))
            tab = context.new_page()
            try:
                for path in paths:
                    tab.set_viewport_size({"width": WIDTHS[0], "height": 800})
                    tab.goto(path)
                    expect(tab.locator("html")).to_have_attribute("lang", language)
                    # The DOM does not depend on the width: vnu checks it once.
                    documents[f"{path} as {role} ({language}, {setting})"] = tab.content()
                    for width in WIDTHS:
                        if width != WIDTHS[0]:
                            # The page is widened in place, as a window is: the CSS and the
                            # scripts (which listen for "resize") lay it out again.
                            if not (javascript or path in SHOT_PATHS):
                                continue  # nothing width-dependent to check without axe
                            tab.set_viewport_size({"width": width, "height": 800})
                        if path in SHOT_PATHS:  # a few pages to look at (not compared)
                            name = path.strip("/").replace("/", "-") or "home"
                            suffix = "" if javascript else "-nojs"
                            keep_screenshot(tab, SHOTS / f"{name}-{language}-{width}{suffix}")
                        if javascript:
                            where = f"{path} as {role} ({language}, {width} px)"
                            failures += [f"{where}: {v}" for v in axe_violations(tab)]
            finally:
                context.close()
    finally:
        set_language(world, "en")
    assert not failures, f"{len(failures)} axe violations:\n" + "\n".join(failures)
    assert documents
    errors = html_check.check_documents(documents)
    details = "\n".join(str(e) for e in errors)
    failing = sorted({e.page for e in errors})
    assert not errors, f"vnu errors on the DOM of {len(failing)} of {len(documents)}:\n{details}"


def test_the_checkers_can_fail() -> None:
    """vnu reports a duplicate id and a <p> inside a <p> (the page walk above is not vacuous)."""
    html_check.require_checker()
    page = (
        '<!doctype html><html lang="en"><head><title>t</title></head><body>'
        '<input id="x"><input id="x"><p><div></div></p></body></html>'
    )
    errors = html_check.check_documents({"bad": page})
    messages = " ".join(e.message for e in errors)
    assert "Duplicate ID" in messages and len(errors) >= 2


def test_axe_can_fail(browser) -> None:
    """axe reports an image without a text alternative and a button without a name."""
    context = browser.new_context()
    tab = context.new_page()
    try:
        tab.set_content(
            '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
            '<h1>t</h1><img src="data:,"><button></button></main></body></html>'
        )
        found = " ".join(axe_violations(tab))
    finally:
        context.close()
    assert "image-alt" in found and "button-name" in found


def test_axe_refuses_a_context_without_javascript(browser) -> None:
    """Asked to check a page with JavaScript off, axe_violations fails at once, not hangs."""
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.set_content('<!doctype html><html lang="en"><head><title>t</title></head></html>')
        with pytest.raises(AxeNeedsJavaScript, match="JavaScript is off"):
            axe_violations(tab)
    finally:
        context.close()
