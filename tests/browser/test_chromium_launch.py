"""The browser the journeys drive: one --disable-features list on Chromium's command line,
Playwright's and ours together (tests/browser/chromium-merged-features), and no WebUI omnibox
popup beside the pages (a renderer that headless Chromium 156 builds for every window and that
cost a fifth of these tests' CPU)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.browser.conftest import CHROMIUM_ARGS, MERGING_LAUNCHER

OURS = {f for a in CHROMIUM_ARGS if a.startswith("--disable-features=") for f in a[19:].split(",")}


def descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


def cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]


def test_the_launcher_joins_every_list_and_passes_the_rest_unchanged(tmp_path: Path) -> None:
    echo = tmp_path / "echo-arguments"
    echo.write_text(f"#!{sys.executable}\nimport sys\nprint('\\n'.join(sys.argv[1:]))\n")
    echo.chmod(0o755)
    given = ["--headless", "--disable-features=A,B", "--lang=fr", "--disable-features=C", "x y"]
    result = subprocess.run(
        [str(MERGING_LAUNCHER), *given],
        env={**os.environ, "PASSERELLE_CHROMIUM": str(echo)},
        capture_output=True,
        text=True,
        check=True,
    )
    passed = ["--headless", "--lang=fr", "x y", "--disable-features=A,B,C"]
    assert result.stdout.splitlines() == passed


def test_the_browser_runs_with_one_list_holding_playwrights_and_ours(browser) -> None:
    assert browser.is_connected()
    browsers = [p for p in descendants(os.getpid()) if "--remote-debugging-pipe" in cmdline(p)]
    assert browsers, "the session's Chromium is not a descendant of this test process"
    for pid in browsers:
        lists = [a for a in cmdline(pid) if a.startswith("--disable-features=")]
        assert len(lists) == 1, lists  # Chromium would read only the last of several
        disabled = set(lists[0].split("=", 1)[1].split(","))
        assert OURS and disabled >= OURS
        assert len(disabled - OURS) >= 5, f"Playwright's own list is missing: {sorted(disabled)}"


def test_a_window_has_no_webui_omnibox_popup(browser) -> None:
    context = browser.new_context()
    try:
        context.new_page().goto("data:text/html,<p lang=en>Hello</p>")
        session = browser.new_browser_cdp_session()
        try:
            targets = session.send("Target.getTargets")["targetInfos"]
        finally:
            session.detach()
    finally:
        context.close()
    assert [t["type"] for t in targets if t["type"] == "page"] == ["page"]
    assert not [t["url"] for t in targets if "omnibox" in t["url"]]
