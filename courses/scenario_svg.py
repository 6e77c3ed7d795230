"""Role-play graphs drawn as SVG by Graphviz's ``dot`` (Debian's ``graphviz`` package).

Graphviz lays out directed graphs far better than anything we would write; the PyPI
``graphviz`` package only wraps the same command, so we call ``dot`` directly and feed it the
DOT text of ``courses.scenario_picture``. Without Graphviz, ``GraphvizMissing`` says what to
install; the admin page then shows the endings table alone.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess

from courses.scenario import Scenario
from courses.scenario_picture import scenario_dot
from training.numbers import format_number

DOT_TIMEOUT_SECONDS = 20


class GraphvizMissing(RuntimeError):
    """``dot`` is not installed."""


def dot_available() -> bool:
    return shutil.which("dot") is not None


def dot_to_svg(dot_source: str) -> str:
    """The SVG ``dot`` draws for ``dot_source`` (without the XML prolog and DOCTYPE)."""
    executable = shutil.which("dot")
    if executable is None:
        raise GraphvizMissing(
            "Graphviz is not installed: install it to draw role-play graphs "
            "(Debian: apt-get install graphviz)"
        )
    result = subprocess.run(
        [executable, "-Tsvg"],
        input=dot_source.encode("utf-8"),
        capture_output=True,
        timeout=DOT_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dot failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    svg = result.stdout.decode("utf-8")
    return svg[svg.index("<svg") :]


def scenario_svg(scenario: Scenario, labels: dict[str, str] | None = None) -> str:
    """The scenario's picture; numbers in the request's language when there is one.

    ``dot`` numbers its ids (``graph0``, ``node1``…) the same way in every drawing: they are
    prefixed with the scenario's slug so that several graphs can share one page.
    """
    svg = dot_to_svg(scenario_dot(scenario, labels, lambda value: format_number(value)))
    svg = re.sub(r'\bid="([^"]*)"', lambda m: f'id="rp-{scenario.slug}-{m.group(1)}"', svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(scenario.title)}" ', 1)
