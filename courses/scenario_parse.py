"""Reading a role-play file: validation and building the Scenario (pure).

Every content mistake comes back as a ``Problem`` with the exact line, so ``flask courses
check`` can print ``path:line: message``, and *every* problem is collected so an author fixes a
file in one pass. The structure is defined by ``docs/schemas/roleplay.schema.json``
(``training.content_schema`` validates with it); what a schema cannot say stays code here: the
graph (``next`` and ``start`` name nodes, every node reachable, no cycle; ``courses.
scenario_graph``), competencies listed once and named by the points. Scoring is
``courses.scenario_scoring``. Markdown is rendered once, at build.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from courses.scenario import Render, Scenario
from courses.scenario_build import RawNode, build_scenario
from courses.scenario_graph import cycles, reachable
from training import content_schema
from training.content_blocks import block_refs
from training.content_source import ContentError, Problem, line_of, load_yaml_file


def default_render(text: str) -> str:
    """Fallback Markdown renderer: escaped paragraphs (the app passes its sanitising renderer)."""
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p)


def load_scenario_file(
    path: Path, display_path: str, slug: str, render: Render | None = None
) -> tuple[Scenario | None, list[Problem]]:
    """Read and parse ``roleplays/<slug>.yaml``; unreadable files become problems, not errors."""
    try:
        data = load_yaml_file(path, display_path)
    except ContentError as exc:
        return None, list(exc.problems)
    except OSError as exc:
        return None, [Problem(display_path, 1, f"cannot read the file: {exc.strerror or exc}")]
    return parse_scenario(data, display_path, slug, render)


def parse_scenario(
    data: Any, path: str, slug: str, render: Render | None = None
) -> tuple[Scenario | None, list[Problem]]:
    """Validate a loaded role-play and build its Scenario.

    Returns ``(scenario, [])`` when the file is valid, otherwise ``(None, problems)`` with every
    problem found (sorted by line), so an author can fix them all in one pass: first every
    problem of structure, then (once the structure is right) those of the graph. ``data`` is
    what ``content_source`` loaded (line-aware); plain dicts work too, with less precise lines.
    """
    checked = content_schema.check("roleplay", data, path, "a role-play", locate)
    if not isinstance(data, dict):
        return None, checked.problems
    return _Parser(path, slug, render or default_render).parse(data, checked.problems)


def locate(data: Any, path: tuple) -> tuple[str, str, str]:
    """Name a place in a role-play: ``'next' in choice 1 of node 'knock'``, ``node 'calm'``."""
    if path[:1] == ("competencies",) and len(path) == 2:
        return "", "a competency", ""
    if len(path) < 2 or path[0] != "nodes":
        return content_schema.describe(data, path, "a role-play")
    node, rest = f"node {path[1]!r}", path[2:]
    if not rest:
        return "", node, ""
    if rest[0] == "ending":
        return ("", "the ending", f" of {node}") if len(rest) == 1 else (
            "", repr(rest[1]), f" in the ending of {node}")  # fmt: skip
    if rest[0] == "dialogue" and len(rest) >= 2:
        if len(rest) == 2:
            return "", "a dialogue entry", f" in {node}"
        return "", repr(rest[2]), f" of a dialogue entry in {node}"
    if rest[0] == "choices" and len(rest) >= 2:
        choice = f"choice {rest[1] + 1} of {node}"
        if len(rest) == 2:
            return "", choice, ""
        if rest[2] == "points" and len(rest) == 4:
            return "", f"points for {rest[3]!r}", f" in {choice}"
        if rest[2] == "critical" and len(rest) == 4:
            return "", repr(rest[3]), f" of 'critical' in {choice}"
        return "", repr(rest[2]), f" in {choice}"
    return "", repr(rest[0]), f" in {node}"


class _Parser:
    """The checks a schema cannot make, on a file that passed it; then the Scenario."""

    def __init__(self, path: str, slug: str, render: Render) -> None:
        self.path = path
        self.slug = slug
        self.render = render
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def parse(self, data: dict, found: list[Problem]) -> tuple[Scenario | None, list[Problem]]:
        """Check the graph of ``data``, whose structure problems (``found``) are known.

        The graph is checked even when the structure is not right, so an author sees both in
        one pass: only nodes, choices and names of the right shape take part (the schema has
        reported the others).
        """
        competencies = self.competencies(data.get("competencies"))
        nodes: dict[str, RawNode] = {}
        raw_nodes = data.get("nodes")
        for node_id, body in raw_nodes.items() if isinstance(raw_nodes, dict) else ():
            if not isinstance(node_id, str) or not isinstance(body, dict):
                continue
            raw = RawNode(node_id, line_of(raw_nodes, node_id), body)
            choices = body.get("choices")
            raw.choices = [
                (item, line_of(choices, i, raw.line))
                for i, item in enumerate(choices if isinstance(choices, list) else ())
                if isinstance(item, dict)
            ]
            for index, (item, item_line) in enumerate(raw.choices):
                label = f" in choice {index + 1} of node {node_id!r}"
                self.points(item, item_line, label, competencies)
            nodes[node_id] = raw
        start = data.get("start")
        start_line = line_of(data, "start")
        if not isinstance(start, str) or not nodes:
            start = None
        elif start not in nodes:
            self.problem(start_line, f"'start' names no node: {start!r}")
            start = None
        elif "ending" in nodes[start].body:
            self.problem(
                start_line,
                f"'start' names an ending ({start!r}): the learner would have nothing to choose",
            )
        self.check_graph(nodes, start)
        if found or self.problems:
            return None, sorted(set(found + self.problems))
        scenario = build_scenario(
            data, self.path, self.slug, self.render, competencies, block_refs(data), nodes
        )
        return scenario, []

    def competencies(self, value: Any) -> tuple[str, ...]:
        """The declared competencies, each once (a repeated one is reported)."""
        names: list[str] = []
        for index, name in enumerate(value if isinstance(value, list) else ()):
            if name in names:
                self.problem(line_of(value, index), f"competency {name!r} is listed twice")
            elif isinstance(name, str):
                names.append(name)
        return tuple(names)

    def points(self, choice: dict, line: int, label: str, competencies: tuple[str, ...]) -> None:
        value = choice.get("points")
        for name in value if isinstance(value, dict) else ():
            if competencies and name not in competencies:
                self.problem(
                    line_of(value, name, line_of(choice, "points", line)),
                    f"points{label} name an undeclared competency {name!r} "
                    f"(declared: {', '.join(competencies)})",
                )

    # -- the graph -----------------------------------------------------------------------------

    def check_graph(self, nodes: dict[str, RawNode], start: str | None) -> None:
        """Dangling ``next``, unreachable nodes and cycles (each named by its nodes)."""
        for raw in nodes.values():
            for index, (choice, line) in enumerate(raw.choices):
                label = f" in choice {index + 1} of node {raw.id!r}"
                target = choice.get("next")
                if not isinstance(target, str):
                    continue
                if target in nodes:
                    raw.edges.append((target, line_of(choice, "next", line)))
                else:
                    self.problem(
                        line_of(choice, "next", line), f"'next'{label} names no node: {target!r}"
                    )
        if start is not None:
            seen = reachable(start, {k: [t for t, _ in v.edges] for k, v in nodes.items()})
            for raw in nodes.values():
                if raw.id not in seen:
                    self.problem(raw.line, f"node {raw.id!r} cannot be reached from the start")
        for cycle, line in cycles({k: v.edges for k, v in nodes.items()}):
            self.problem(line, "cycle: " + " -> ".join(cycle) + " (the graph must be acyclic)")
