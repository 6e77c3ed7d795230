"""Reading a role-play file: structure validation and building the Scenario (pure).

Every content mistake comes back as a ``Problem`` with the exact line, so ``flask courses
check`` can print ``path:line: message``, and *every* problem is collected so an author fixes a
file in one pass. The structure checks here are what the JSON Schemas of issue 20 will take
over; the graph rules (``courses.scenario_graph``) and scoring (``courses.scenario_scoring``)
stay code. Markdown is rendered once, here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from courses.scenario import (
    OUTCOMES,
    Render,
    Scenario,
)
from courses.scenario_build import RawNode, build_scenario
from courses.scenario_graph import cycles, reachable
from training.content_blocks import parse_block_refs
from training.content_source import (
    ContentError,
    Problem,
    kind_of,
    line_of,
    load_yaml_file,
    own_line,
)

TOP_LEVEL_REQUIRED = ("title", "summary", "setting", "competencies", "start", "nodes")
TOP_LEVEL_OPTIONAL = ("content_note", "blocks")
ENDING_REQUIRED = ("outcome", "debrief")
ENDING_OPTIONAL = ("max_score",)
CHOICE_REQUIRED = ("text", "next", "feedback")
CHOICE_OPTIONAL = ("points", "critical")
DIALOGUE_KEYS = ("speaker", "line")


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
    problem found (sorted by line), so an author can fix them all in one pass. ``data`` is what
    ``content_source`` loaded (line-aware); plain dicts work too, with less precise lines.
    """
    return _Parser(path, slug, render or default_render).parse(data)


def _not(value: Any) -> str:
    """The end of a "must be a non-empty ..." message: what the value is instead."""
    if isinstance(value, (list, dict)) and not value:
        return "it is empty"
    return f"not {kind_of(value)}"


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


class _Parser:
    """One validation pass over one file: collects problems, then builds the Scenario."""

    def __init__(self, path: str, slug: str, render: Render) -> None:
        self.path = path
        self.slug = slug
        self.render = render
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def parse(self, data: Any) -> tuple[Scenario | None, list[Problem]]:
        if not isinstance(data, dict):
            self.problem(
                own_line(data, 1),
                "a role-play must be a mapping with " + ", ".join(TOP_LEVEL_REQUIRED),
            )
            return None, self.problems
        root_line = own_line(data, 1)
        self.check_keys(data, TOP_LEVEL_REQUIRED, TOP_LEVEL_OPTIONAL, root_line, "")
        for key in ("title", "summary", "setting"):
            self.text_field(data, key, root_line, "")
        if data.get("content_note") is not None:
            self.text_field(data, "content_note", root_line, "")
        competencies = self.competencies(data, root_line)
        blocks = parse_block_refs(data, self.problem)
        raw_nodes = data.get("nodes")
        nodes: dict[str, RawNode] = {}
        if "nodes" in data:
            nodes = self.nodes(raw_nodes, line_of(data, "nodes", root_line), competencies)
        start = data.get("start")
        start_ok = False
        if "start" in data:
            start_line = line_of(data, "start", root_line)
            if not _is_text(start):
                self.problem(start_line, f"'start' must be a node id, not {kind_of(start)}")
            elif nodes and start not in nodes:
                self.problem(start_line, f"'start' names no node: {start!r}")
            elif nodes and "ending" in nodes[start].body and "choices" not in nodes[start].body:
                self.problem(
                    start_line,
                    f"'start' names an ending ({start!r}): "
                    "the learner would have nothing to choose",
                )
                start_ok = True
            else:
                start_ok = bool(nodes)
        self.check_graph(nodes, start if start_ok else None)
        if self.problems:
            return None, sorted(self.problems)
        scenario = build_scenario(
            data, self.path, self.slug, self.render, competencies, blocks, nodes
        )
        return scenario, []

    # -- generic checks ------------------------------------------------------------------------

    def check_keys(
        self,
        mapping: dict,
        required: Sequence[str],
        optional: Sequence[str],
        line: int,
        where: str,
    ) -> None:
        for key in mapping:
            if key not in required and key not in optional:
                allowed = ", ".join((*required, *optional))
                self.problem(
                    line_of(mapping, key, line), f"unknown key {key!r}{where} (allowed: {allowed})"
                )
        for key in required:
            if key not in mapping:
                self.problem(line, f"missing {key!r}{where}")

    def text_field(self, mapping: dict, key: str, line: int, where: str) -> bool:
        """True when ``key`` holds non-empty text; reports a wrong type (missing is elsewhere)."""
        if key not in mapping:
            return False
        value = mapping[key]
        if _is_text(value):
            return True
        hint = ""
        if isinstance(value, (bool, int, float)):
            hint = " (put it in quotes: YAML reads yes, no, on, off and numbers as values)"
        self.problem(
            line_of(mapping, key, line),
            f"{key!r}{where} must be non-empty text, not {kind_of(value)}{hint}",
        )
        return False

    # -- competencies --------------------------------------------------------------------------

    def competencies(self, data: dict, root_line: int) -> tuple[str, ...]:
        if "competencies" not in data:
            return ()
        value = data["competencies"]
        line = line_of(data, "competencies", root_line)
        if not isinstance(value, list) or not value:
            self.problem(line, f"'competencies' must be a non-empty list of names, {_not(value)}")
            return ()
        names: list[str] = []
        for index, name in enumerate(value):
            item_line = line_of(value, index, line)
            if not _is_text(name):
                self.problem(item_line, f"a competency must be a name, not {kind_of(name)}")
            elif name in names:
                self.problem(item_line, f"competency {name!r} is listed twice")
            else:
                names.append(name)
        return tuple(names)

    # -- nodes ---------------------------------------------------------------------------------

    def nodes(self, value: Any, line: int, competencies: tuple[str, ...]) -> dict[str, RawNode]:
        if not isinstance(value, dict) or not value:
            self.problem(line, f"'nodes' must be a non-empty mapping of node ids, {_not(value)}")
            return {}
        nodes: dict[str, RawNode] = {}
        for node_id, body in value.items():
            node_line = line_of(value, node_id, line)
            if not _is_text(node_id):
                self.problem(node_line, f"node id {node_id!r} must be text (quote it)")
                continue
            nodes[node_id] = self.node(node_id, body, node_line, competencies)
        return nodes

    def node(self, node_id: str, body: Any, line: int, competencies: tuple[str, ...]) -> RawNode:
        raw = RawNode(node_id, line, body if isinstance(body, dict) else {})
        where = f" in node {node_id!r}"
        if not isinstance(body, dict):
            self.problem(
                line, f"node {node_id!r} must be a mapping with text and choices or ending"
            )
            return raw
        self.check_keys(body, ("text",), ("dialogue", "choices", "ending"), line, where)
        self.text_field(body, "text", line, where)
        if "dialogue" in body:
            self.dialogue(body["dialogue"], line_of(body, "dialogue", line), where)
        has_choices = "choices" in body
        has_ending = "ending" in body
        if has_choices and has_ending:
            self.problem(
                line_of(body, "ending", line),
                f"node {node_id!r} has both choices and an ending: a node is either a turn "
                "with choices or an ending",
            )
        elif not has_choices and not has_ending:
            self.problem(
                line,
                f"node {node_id!r} has neither choices nor an ending: every path must end",
            )
        if has_choices:
            raw.choices = self.choices(
                body["choices"], line_of(body, "choices", line), node_id, competencies
            )
        if has_ending:
            self.ending(body["ending"], line_of(body, "ending", line), node_id)
        return raw

    def dialogue(self, value: Any, line: int, where: str) -> None:
        if not isinstance(value, list):
            self.problem(line, f"'dialogue'{where} must be a list of {{speaker, line}}")
            return
        for index, item in enumerate(value):
            item_line = line_of(value, index, line)
            if not isinstance(item, dict):
                self.problem(item_line, f"a dialogue entry{where} must be {{speaker, line}}")
                continue
            self.check_keys(item, DIALOGUE_KEYS, (), item_line, f" of a dialogue entry{where}")
            for key in DIALOGUE_KEYS:
                self.text_field(item, key, item_line, f" of a dialogue entry{where}")

    def choices(
        self, value: Any, line: int, node_id: str, competencies: tuple[str, ...]
    ) -> list[tuple[dict, int]]:
        where = f" in node {node_id!r}"
        if not isinstance(value, list) or not value:
            self.problem(line, f"'choices'{where} must be a non-empty list, {_not(value)}")
            return []
        found: list[tuple[dict, int]] = []
        for index, item in enumerate(value):
            item_line = line_of(value, index, line)
            label = f" in choice {index + 1} of node {node_id!r}"
            if not isinstance(item, dict):
                self.problem(item_line, f"choice {index + 1} of node {node_id!r} must be a mapping")
                continue
            self.check_keys(item, CHOICE_REQUIRED, CHOICE_OPTIONAL, item_line, label)
            for key in ("text", "feedback"):
                self.text_field(item, key, item_line, label)
            if "next" in item and not _is_text(item["next"]):
                self.problem(
                    line_of(item, "next", item_line),
                    f"'next'{label} must be a node id, not {kind_of(item['next'])}",
                )
            self.points(item, item_line, label, competencies)
            if "critical" in item:
                self.critical(item, item_line, label)
            found.append((item, item_line))
        return found

    def ending(self, value: Any, line: int, node_id: str) -> None:
        where = f" in the ending of node {node_id!r}"
        if not isinstance(value, dict):
            self.problem(line, f"the ending of node {node_id!r} must be {{outcome, debrief}}")
            return
        self.check_keys(value, ENDING_REQUIRED, ENDING_OPTIONAL, line, where)
        outcome = value.get("outcome")
        if "outcome" in value and outcome not in OUTCOMES:
            self.problem(
                line_of(value, "outcome", line),
                f"outcome{where} must be one of {', '.join(OUTCOMES)}, not {outcome!r}",
            )
        self.text_field(value, "debrief", line, where)
        if "max_score" in value:
            cap = value["max_score"]
            if isinstance(cap, bool) or not isinstance(cap, (int, float)) or not 0 <= cap <= 100:
                self.problem(
                    line_of(value, "max_score", line),
                    f"'max_score'{where} must be a percentage from 0 to 100, not {cap!r}",
                )

    def critical(self, choice: dict, line: int, label: str) -> None:
        """``critical: {reason: "why this is unsafe or unlawful"}``."""
        value = choice["critical"]
        critical_line = line_of(choice, "critical", line)
        if not isinstance(value, dict):
            self.problem(
                critical_line,
                f"'critical'{label} must be a mapping with a 'reason' "
                f"(why this choice is unsafe or unlawful), not {kind_of(value)}",
            )
            return
        self.check_keys(value, ("reason",), (), critical_line, f" of 'critical'{label}")
        self.text_field(value, "reason", critical_line, f" of 'critical'{label}")

    def points(self, choice: dict, line: int, label: str, competencies: tuple[str, ...]) -> None:
        value = choice.get("points")
        points_line = line_of(choice, "points", line)
        if value is None:
            return
        if not isinstance(value, dict):
            self.problem(points_line, f"'points'{label} must be a mapping of competency: points")
            return
        for name, amount in value.items():
            key_line = line_of(value, name, points_line)
            if competencies and name not in competencies:
                self.problem(
                    key_line,
                    f"points{label} name an undeclared competency {name!r} "
                    f"(declared: {', '.join(competencies)})",
                )
            if isinstance(amount, bool) or not isinstance(amount, int):
                self.problem(
                    key_line,
                    f"points for {name!r}{label} must be a whole number "
                    f"(negative for a penalty), not {amount!r}",
                )

    # -- the graph -----------------------------------------------------------------------------

    def check_graph(self, nodes: dict[str, RawNode], start: str | None) -> None:
        """Dangling ``next``, unreachable nodes and cycles (each named by its nodes)."""
        for raw in nodes.values():
            for index, (choice, line) in enumerate(raw.choices):
                label = f" in choice {index + 1} of node {raw.id!r}"
                target = choice.get("next")
                if _is_text(target):
                    if target in nodes:
                        raw.edges.append((target, line_of(choice, "next", line)))
                    else:
                        self.problem(
                            line_of(choice, "next", line),
                            f"'next'{label} names no node: {target!r}",
                        )
        if start is not None:
            seen = reachable(start, {k: [t for t, _ in v.edges] for k, v in nodes.items()})
            for raw in nodes.values():
                if raw.id not in seen:
                    self.problem(raw.line, f"node {raw.id!r} cannot be reached from the start")
        for cycle, line in cycles({k: v.edges for k, v in nodes.items()}):
            self.problem(line, "cycle: " + " -> ".join(cycle) + " (the graph must be acyclic)")
