"""Real-Chromium journeys: a live server in a thread, Playwright driving Debian's Chromium,
axe-core on every page visited. Skipped where Chromium is absent, except under CI=true."""

from __future__ import annotations

import os
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask, Response, request
from werkzeug.serving import make_server

from tests.support import html_check
from tests.support.html_check import PageCollector

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Chromium 156 builds a WebUI omnibox popup (a renderer of its own) for every window, which
    # headless has no use for: it was a fifth of the browser tests' CPU. Merged with
    # Playwright's own list by MERGING_LAUNCHER.
    "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup",
]
#: Runs CHROMIUM with the --disable-features lists of Playwright and CHROMIUM_ARGS joined (Chromium
#: keeps only the last one given).
MERGING_LAUNCHER = Path(__file__).with_name("chromium-merged-features")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(MERGING_LAUNCHER),
            args=CHROMIUM_ARGS,
            env={**os.environ, "PASSERELLE_CHROMIUM": CHROMIUM},
            headless=True,
        )
        yield launched
        launched.close()


@pytest.fixture
def app_config() -> dict[str, object]:
    """Browser journeys run with CSRF on, as in production."""
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app: Flask, html_pages: PageCollector) -> Iterator[str]:
    @app.after_request
    def keep_html(response: Response) -> Response:
        """The raw HTML of each page served, for the Nu Html Checker (the DOM a browser
        serialises back hides errors such as a <p> inside a <p>)."""
        if response.mimetype == "text/html" and not response.is_streamed:
            _served[request.full_path.rstrip("?")] = response.get_data(as_text=True)
        return response

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def page(browser, live_server: str):
    """A phone-sized page (360 px wide) on the live server."""
    context = browser.new_context(
        base_url=live_server, viewport={"width": 360, "height": 760}, locale="en-GB"
    )
    # Generous: a loaded 2-core machine can take seconds per page (expect() waits, never sleeps).
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    context.close()


_served: dict[str, str] = {}  # path?query → raw HTML of the latest response (live server)
_collector: list[PageCollector] = []  # the current test's pages (one at a time)


@pytest.fixture
def html_pages() -> Iterator[PageCollector]:
    """Every page a journey passes to assert_accessible, checked by vnu when the test ends."""
    collector = PageCollector()
    _served.clear()
    _collector[:] = [collector]
    yield collector
    _collector.clear()
    _check_html(collector)


def _check_html(collector: PageCollector) -> None:
    if not collector.documents:
        return
    reason = html_check.missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the Nu Html Checker is required under CI=true: {reason}")
        warnings.warn(f"HTML not validated: {reason}", stacklevel=1)
        return
    errors = html_check.check_documents(collector.documents)
    details = "\n".join(str(e) for e in errors)
    if os.environ.get("HTML_VALIDATION", "fail") == "report":
        if errors:
            warnings.warn(f"vnu errors (HTML_VALIDATION=report):\n{details}", stacklevel=1)
        return
    assert not errors, f"vnu errors on the pages visited:\n{details}"


def _record_html(page) -> None:
    if not _collector:
        return
    parts = urlsplit(page.url)
    key = parts.path + (f"?{parts.query}" if parts.query else "")
    html = _served.get(key)
    if html is not None:
        _collector[0].add(key, html)


def open_menu(page) -> None:
    """Open the header's Menu disclosure (phone width: the navigation, the language choice and
    log out sit in it); on a wide screen, where they show inline, nothing to do."""
    summary = page.locator(".site-menu > summary")
    if summary.is_visible() and page.locator(".site-menu[open]").count() == 0:
        summary.click()


class AxeNeedsJavaScript(RuntimeError):
    """axe-core was asked to check a page whose context has JavaScript off."""


#: Whether scripts run in the page's document, and whether axe-core is in it already. The HTML
#: fragment parser follows the document's scripting flag: where scripts run, the content of a
#: <noscript> is text, where they do not it is parsed into elements. One round trip that answers
#: at once either way (a timer waited for with a timeout took 10 s to say "no" and ~50 ms, a
#: polling round trip, to say "yes").
_AXE_STATE = """() => {
  const probe = document.createRange().createContextualFragment("<noscript><i></i></noscript>");
  if (probe.querySelector("i") !== null) return "no-javascript";
  return typeof window.axe === "object" ? "loaded" : "absent";
}"""
#: axe.run as axe_playwright_python calls it (violations only in the result types), after one
#: turn of the event loop as before; only the violations come back, which are all this reads
#: (the whole result, with every rule passed or not applicable, was ~50 KB of JSON per page
#: carried from Chromium through Playwright's driver to Python: a third of the call's time).
_AXE_RUN = """(options) => new Promise((resolve) => setTimeout(resolve, 0))
  .then(() => axe.run(options))
  .then((results) => results.violations)"""
_AXE_OPTIONS = {"resultTypes": ["violations"]}


def axe_violations(page) -> list[str]:
    """axe-core's violations of any impact on the current page, one line each.

    axe is JavaScript injected into the page: with JavaScript off its promise never settles and
    the call would hang for good, so this first asks the page whether scripts run there (see
    _AXE_STATE) and raises AxeNeedsJavaScript where they do not. axe-core (572 KB) is injected
    once per document: a second check of the same page, after a change in place, reuses it."""
    from axe_playwright_python.base import AXE_SCRIPT

    state = page.evaluate(_AXE_STATE)
    if state == "no-javascript":
        raise AxeNeedsJavaScript(
            f"axe-core cannot run on {page.url}: JavaScript is off in this browser context"
            " (check such pages with the Nu Html Checker only)"
        )
    if state != "loaded":
        page.evaluate(AXE_SCRIPT)
    violations = page.evaluate(_AXE_RUN, _AXE_OPTIONS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    ]


def keep_screenshot(page, stem: Path, *, full_page: bool = False) -> Path:
    """Save what the page shows, for a person to look at (no test compares it), as
    ``<stem>.jpg``. JPEG at quality 85, not PNG: Chromium encoding PNGs of whole pages was
    nearly a third of the journeys' CPU (three journeys: 51.8 s of CPU with PNGs, 42.2 s with
    JPEGs, 36.8 s with no screenshot), and the text stays readable."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    path = stem.with_name(stem.name + ".jpg")
    page.screenshot(path=str(path), type="jpeg", quality=85, full_page=full_page)
    return path


def assert_accessible(page, name: str | None = None) -> None:
    """axe-core: no violation of any impact on the current page (whose served HTML is also kept
    for the Nu Html Checker at the end of the test)."""
    _record_html(page)
    violations = axe_violations(page)
    if name:
        keep_screenshot(page, SCREENSHOTS / name, full_page=True)
    details = "\n".join(violations)
    assert not violations, f"axe violations on {page.url}:\n{details}"
