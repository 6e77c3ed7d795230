"""A picture of a role-play: its graph as Graphviz DOT, and what each ending can score (pure).

Authors and reviewers see at a glance which paths lead where: decisions are boxes, choices are
arrows labelled with their number and points, endings are labelled with their outcome in words
and drawn in a shape of their own (so colour is never the only cue), critical choices are red,
dashed and marked "CRITICAL", and the best path is drawn thick and marked "best". Each ending
carries the best and the worst score a run can reach there, found by scoring every path exactly
as a learner's run is scored (``courses.scenario_scoring.score_path``: penalties, floors per
competency and the ending's ``max_score`` cap included). Rendering DOT to SVG is
``courses.scenario_svg``'s job.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from courses.scenario import Scenario
from courses.scenario_scoring import PathStep, best_path, score_path

#: More paths than this and the ranges are not computed (the checker would warn long before).
MAX_PATHS = 20_000

OUTCOME_STYLE = {  # shape, fill colour, label
    "resolved": ("box", "#d9f2dc", "RESOLVED"),
    "partial": ("hexagon", "#fdf0c4", "PARTIAL"),
    "escalated": ("octagon", "#f8d3d0", "ESCALATED"),
}
CRITICAL_COLOUR = "#b3261e"
BEST_COLOUR = "#1f4e99"


@dataclass(frozen=True)
class EndingRange:
    """The scores a run can finish with at one ending (percent, capped as in a real run)."""

    node_id: str
    outcome: str
    best: float
    worst: float
    paths: int


def all_paths(
    scenario: Scenario, limit: int = MAX_PATHS
) -> Iterator[tuple[tuple[PathStep, ...], str]]:
    """Every path from the start to an ending, with the ending's id (the checker rejects cycles)."""
    count = 0
    stack: list[tuple[str, tuple[PathStep, ...]]] = [(scenario.start, ())]
    while stack:
        node_id, path = stack.pop()
        node = scenario.nodes[node_id]
        if node.is_ending:
            count += 1
            if count > limit:
                raise ValueError(f"more than {limit} paths")
            yield path, node_id
            continue
        for choice in reversed(node.choices):
            stack.append((choice.next, (*path, (node_id, choice.index))))


def ending_ranges(scenario: Scenario) -> dict[str, EndingRange]:
    """Per ending reached by some path: the best and the worst score of the runs ending there."""
    found: dict[str, list[float]] = {}
    for path, node_id in all_paths(scenario):
        found.setdefault(node_id, []).append(score_path(scenario, path).percent)
    ranges = {}
    for node_id, scores in found.items():
        ending = scenario.nodes[node_id].ending
        assert ending is not None
        ranges[node_id] = EndingRange(
            node_id, ending.outcome, max(scores), min(scores), len(scores)
        )
    return ranges


def quote_dot(text: str) -> str:
    """A DOT double-quoted string (Graphviz escapes it again for SVG)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _short(text: str, width: int = 34, lines: int = 3) -> str:
    """The text's opening words on a few lines, Markdown emphasis marks dropped."""
    flat = " ".join(text.replace("**", "").replace("__", "").replace("`", "").split())
    wrapped = textwrap.wrap(flat, width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1] + "…"
    return "\n".join(wrapped)


def _points(points: dict[str, int] | object) -> str:
    items = dict(points).items()  # type: ignore[call-overload]
    return ", ".join(f"{name} {amount:+d}" for name, amount in items if amount) or "0 points"


def _figure(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def scenario_dot(
    scenario: Scenario,
    labels: dict[str, str] | None = None,
    figure: Callable[[float], str] = _figure,
) -> str:
    """The scenario as a DOT digraph. ``labels`` translates the few words the picture adds,
    ``figure`` writes a number in the reader's language."""
    words = {
        "best": "best",
        "critical": "CRITICAL",
        "choice": "choice",
        "score": "score",
        "to": "to",
        "start": "START",
        **(labels or {}),
    }
    best_steps = set(best_path(scenario))
    ranges = ending_ranges(scenario)
    out = [
        f"digraph {quote_dot(scenario.slug)} {{",
        '  graph [rankdir=TB, fontname="DejaVu Sans", fontsize=11, nodesep=0.35, ranksep=0.5,'
        f" label={quote_dot(scenario.title)}, labelloc=t];",
        '  node [fontname="DejaVu Sans", fontsize=10, style="filled", fillcolor="#ffffff"];',
        '  edge [fontname="DejaVu Sans", fontsize=9];',
    ]
    for node in scenario.nodes.values():
        if node.ending is not None:
            shape, fill, outcome_word = OUTCOME_STYLE.get(
                node.ending.outcome, ("ellipse", "#eeeeee", node.ending.outcome.upper())
            )
            outcome_word = words.get(node.ending.outcome, outcome_word)
            span = ranges.get(node.id)
            score = (
                f"{words['score']} {figure(span.worst)}–{figure(span.best)} %"
                if span
                else "unreachable"
            )
            label = f"{outcome_word}\n{node.id}\n{score}"
            out.append(
                f"  {quote_dot(node.id)} [shape={shape}, fillcolor={quote_dot(fill)},"
                f" label={quote_dot(label)}, penwidth=1.5];"
            )
        else:
            head = f"{words['start']}: {node.id}" if node.id == scenario.start else node.id
            label = f"{head}\n{_short(node.text)}"
            style = 'shape=box, style="rounded,filled"'
            out.append(f"  {quote_dot(node.id)} [{style}, label={quote_dot(label)}];")
    for node in scenario.nodes.values():
        for position, choice in enumerate(node.choices, start=1):
            on_best = (node.id, choice.index) in best_steps
            parts = [f"{position}. {_short(choice.text, 28, 2)}", _points(choice.points)]
            attrs = []
            if choice.is_critical:
                parts.insert(0, f"⚠ {words['critical']}")
                attrs += [f"color={quote_dot(CRITICAL_COLOUR)}", "style=dashed", "penwidth=2"]
                attrs.append(f"fontcolor={quote_dot(CRITICAL_COLOUR)}")
            if on_best:
                parts.insert(0, f"★ {words['best']}")
                attrs += [f"penwidth={4 if not choice.is_critical else 3}"]
                if not choice.is_critical:
                    attrs.append(f"color={quote_dot(BEST_COLOUR)}")
            attrs.insert(0, f"label={quote_dot(chr(10).join(parts))}")
            out.append(f"  {quote_dot(node.id)} -> {quote_dot(choice.next)} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"
