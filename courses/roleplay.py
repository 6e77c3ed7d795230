"""The role-play engine: scenario graph, validation, scoring and run stepping (pure).

A role-play is a directed acyclic graph of nodes. A node is either a *turn* (narration, optional
dialogue, one or more choices, each pointing to the next node) or an *ending* (an outcome and a
debrief). The format is the contract in ``docs/content-format.md``.

Nothing here touches Flask or the database: the loader parses a file once per content version
(``parse_scenario`` / ``load_scenario_file``), Markdown is rendered once at that time, and the
player and debrief only call the small functions at the bottom (``advance``, ``score_path``,
``better_choice``). Every content mistake comes back as a ``Problem`` with the exact line, so
``flask courses check`` can print ``path:line: message``.

Scoring rules:

* a choice is worth the sum of its points over all competencies;
* a run's total is the sum over the choices on its path, and its percentage is that total over
  the best total achievable from ``start`` to any ending (100 % when nothing can be earned);
* each competency is also shown against its own best, computed independently: the best listening
  score may lie on a different path from the best overall score.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from training.content_blocks import parse_block_refs
from training.content_source import (
    ContentError,
    Problem,
    kind_of,
    line_of,
    load_yaml_file,
    own_line,
)

Outcome = Literal["resolved", "partial", "escalated"]
OUTCOMES: tuple[Outcome, ...] = ("resolved", "partial", "escalated")

PathStep = tuple[str, int]
"""One step of a run: (id of the node where the choice was made, index of the choice)."""

Render = Callable[[str], str]

TOP_LEVEL_REQUIRED = ("title", "summary", "setting", "competencies", "start", "nodes")
TOP_LEVEL_OPTIONAL = ("content_note", "blocks")
ENDING_KEYS = ("outcome", "debrief")
DIALOGUE_KEYS = ("speaker", "line")


class InvalidChoice(ValueError):
    """A choice that does not belong to the node it is played from (or a broken path)."""


# --------------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class DialogueLine:
    """A line spoken by a named character (the player shows the name, not only a colour)."""

    speaker: str
    line: str


@dataclass(frozen=True)
class Choice:
    """One option at a turn. ``index`` is its position in the node's list (what a form posts).

    Choice text is plain text shown inside a button, so ``text_html`` is only the escaped text,
    never block Markdown (a ``<p>`` is not allowed inside a ``<button>``).
    """

    index: int
    text: str
    text_html: str
    next: str
    feedback: str
    feedback_html: str
    points: Mapping[str, int]
    line: int

    @property
    def total(self) -> int:
        """Points of this choice summed over all competencies."""
        return sum(self.points.values())


@dataclass(frozen=True)
class Ending:
    outcome: Outcome
    debrief: str
    debrief_html: str


@dataclass(frozen=True)
class Node:
    id: str
    text: str
    text_html: str
    dialogue: tuple[DialogueLine, ...]
    choices: tuple[Choice, ...]
    ending: Ending | None
    line: int

    @property
    def is_ending(self) -> bool:
        return self.ending is not None


@dataclass(frozen=True)
class BestScores:
    """What the graph allows at best.

    ``total``: the highest total over all complete paths. ``per_competency``: for each
    competency, the highest points over all paths, each maximised on its own (so their sum can
    exceed ``total``). ``remaining``: for each node, the best total still achievable from it to
    an ending (0 at an ending), which is what ``best_choice`` compares.
    """

    total: int
    per_competency: Mapping[str, int]
    remaining: Mapping[str, int]


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    summary: str
    setting: str
    setting_html: str
    content_note: str | None
    competencies: tuple[str, ...]
    start: str
    nodes: Mapping[str, Node]
    source_path: str
    best: BestScores
    blocks: tuple[str, ...] = ()  # competency blocks the role-play serves

    def node(self, node_id: str) -> Node:
        """The node called ``node_id``; raises InvalidChoice when there is none."""
        try:
            return self.nodes[node_id]
        except (KeyError, TypeError):
            raise InvalidChoice(f"scenario {self.slug!r} has no node {node_id!r}") from None


@dataclass(frozen=True)
class Step:
    """The result of playing one choice: where the run goes next and whether it ended."""

    node_id: str
    choice: Choice
    next_node_id: str
    ended: bool
    outcome: Outcome | None


@dataclass(frozen=True)
class CompetencyScore:
    competency: str
    points: int
    best: int

    @property
    def percent(self) -> float:
        return _percent(self.points, self.best)


@dataclass(frozen=True)
class RunScore:
    """A run's score: ``points`` per competency (every declared one, 0 included), ``total``,
    ``percent`` of the best achievable total, and each competency against its own best, in the
    declared order (for the debrief's bars)."""

    points: Mapping[str, int]
    total: int
    best_total: int
    percent: float
    competencies: tuple[CompetencyScore, ...]


# --------------------------------------------------------------------------------------------
# Parsing and validation


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
        self.blocks = parse_block_refs(data, self.problem)
        raw_nodes = data.get("nodes")
        nodes: dict[str, _RawNode] = {}
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
        return self.build(data, competencies, nodes), []

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

    def nodes(self, value: Any, line: int, competencies: tuple[str, ...]) -> dict[str, _RawNode]:
        if not isinstance(value, dict) or not value:
            self.problem(line, f"'nodes' must be a non-empty mapping of node ids, {_not(value)}")
            return {}
        nodes: dict[str, _RawNode] = {}
        for node_id, body in value.items():
            node_line = line_of(value, node_id, line)
            if not _is_text(node_id):
                self.problem(node_line, f"node id {node_id!r} must be text (quote it)")
                continue
            nodes[node_id] = self.node(node_id, body, node_line, competencies)
        return nodes

    def node(self, node_id: str, body: Any, line: int, competencies: tuple[str, ...]) -> _RawNode:
        raw = _RawNode(node_id, line, body if isinstance(body, dict) else {})
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
            self.check_keys(item, ("text", "next", "feedback"), ("points",), item_line, label)
            for key in ("text", "feedback"):
                self.text_field(item, key, item_line, label)
            if "next" in item and not _is_text(item["next"]):
                self.problem(
                    line_of(item, "next", item_line),
                    f"'next'{label} must be a node id, not {kind_of(item['next'])}",
                )
            self.points(item, item_line, label, competencies)
            found.append((item, item_line))
        return found

    def ending(self, value: Any, line: int, node_id: str) -> None:
        where = f" in the ending of node {node_id!r}"
        if not isinstance(value, dict):
            self.problem(line, f"the ending of node {node_id!r} must be {{outcome, debrief}}")
            return
        self.check_keys(value, ENDING_KEYS, (), line, where)
        outcome = value.get("outcome")
        if "outcome" in value and outcome not in OUTCOMES:
            self.problem(
                line_of(value, "outcome", line),
                f"outcome{where} must be one of {', '.join(OUTCOMES)}, not {outcome!r}",
            )
        self.text_field(value, "debrief", line, where)

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
            if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
                self.problem(
                    key_line,
                    f"points for {name!r}{label} must be a non-negative integer, not {amount!r}",
                )

    # -- the graph -----------------------------------------------------------------------------

    def check_graph(self, nodes: dict[str, _RawNode], start: str | None) -> None:
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
            reachable = _reachable(start, {k: [t for t, _ in v.edges] for k, v in nodes.items()})
            for raw in nodes.values():
                if raw.id not in reachable:
                    self.problem(raw.line, f"node {raw.id!r} cannot be reached from the start")
        for cycle, line in _cycles(nodes):
            self.problem(line, "cycle: " + " -> ".join(cycle) + " (the graph must be acyclic)")

    # -- building ------------------------------------------------------------------------------

    def build(
        self, data: dict, competencies: tuple[str, ...], raws: dict[str, _RawNode]
    ) -> Scenario:
        nodes: dict[str, Node] = {}
        for raw in raws.values():
            body = raw.body
            choices = tuple(
                Choice(
                    index=index,
                    text=item["text"],
                    text_html=html.escape(item["text"]),
                    next=item["next"],
                    feedback=item["feedback"],
                    feedback_html=self.render(item["feedback"]),
                    points={k: v for k, v in (item.get("points") or {}).items()},
                    line=line,
                )
                for index, (item, line) in enumerate(raw.choices)
            )
            ending = None
            if "ending" in body:
                ending = Ending(
                    outcome=cast(Outcome, body["ending"]["outcome"]),
                    debrief=body["ending"]["debrief"],
                    debrief_html=self.render(body["ending"]["debrief"]),
                )
            nodes[raw.id] = Node(
                id=raw.id,
                text=body["text"],
                text_html=self.render(body["text"]),
                dialogue=tuple(
                    DialogueLine(d["speaker"], d["line"]) for d in body.get("dialogue") or ()
                ),
                choices=choices,
                ending=ending,
                line=raw.line,
            )
        start = data["start"]
        content_note = data.get("content_note")
        return Scenario(
            slug=self.slug,
            title=data["title"],
            summary=data["summary"],
            setting=data["setting"],
            setting_html=self.render(data["setting"]),
            content_note=content_note if _is_text(content_note) else None,
            competencies=competencies,
            start=start,
            nodes=nodes,
            source_path=self.path,
            best=_compute_best(start, nodes, competencies),
            blocks=self.blocks,
        )


class _RawNode:
    """A node as read from the file, between validation and building."""

    def __init__(self, node_id: str, line: int, body: dict) -> None:
        self.id = node_id
        self.line = line
        self.body = body
        self.choices: list[tuple[dict, int]] = []  # (choice mapping, line of the item)
        self.edges: list[tuple[str, int]] = []  # (target node id, line of its ``next``)


def _reachable(start: str, successors: Mapping[str, Sequence[str]]) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for target in successors.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _cycles(nodes: Mapping[str, _RawNode]) -> Iterator[tuple[list[str], int]]:
    """Each back edge found by a depth-first search, as (the nodes on its cycle, its line).

    Iterative, so a long chain of nodes cannot hit Python's recursion limit.
    """
    done: set[str] = set()
    for root in nodes:
        if root in done:
            continue
        trail: list[str] = [root]
        on_trail = {root: 0}
        stack = [iter(nodes[root].edges)]
        while stack:
            edge = next(stack[-1], None)
            if edge is None:
                stack.pop()
                finished = trail.pop()
                del on_trail[finished]
                done.add(finished)
                continue
            target, line = edge
            if target in on_trail:
                yield [*trail[on_trail[target] :], target], line
            elif target not in done:
                on_trail[target] = len(trail)
                trail.append(target)
                stack.append(iter(nodes[target].edges))


def _postorder(start: str, nodes: Mapping[str, Node]) -> list[str]:
    """Nodes reachable from ``start``, each listed after every node it leads to (DAG only)."""
    order: list[str] = []
    seen = {start}
    stack = [(start, iter(nodes[start].choices))]
    while stack:
        node_id, choices = stack[-1]
        choice = next(choices, None)
        if choice is None:
            stack.pop()
            order.append(node_id)
        elif choice.next not in seen:
            seen.add(choice.next)
            stack.append((choice.next, iter(nodes[choice.next].choices)))
    return order


# --------------------------------------------------------------------------------------------
# Scoring


def _compute_best(start: str, nodes: Mapping[str, Node], competencies: Sequence[str]) -> BestScores:
    """Longest paths in the DAG, memoised in reverse topological order: O(nodes + choices × C)."""
    remaining: dict[str, int] = {}
    per_node: dict[str, dict[str, int]] = {}
    for node_id in _postorder(start, nodes):
        node = nodes[node_id]
        if node.is_ending or not node.choices:
            remaining[node_id] = 0
            per_node[node_id] = dict.fromkeys(competencies, 0)
            continue
        remaining[node_id] = max(c.total + remaining[c.next] for c in node.choices)
        per_node[node_id] = {
            name: max(c.points.get(name, 0) + per_node[c.next][name] for c in node.choices)
            for name in competencies
        }
    return BestScores(total=remaining[start], per_competency=per_node[start], remaining=remaining)


def best_scores(scenario: Scenario) -> BestScores:
    """Recompute the best achievable scores from the graph (``scenario.best`` holds them)."""
    return _compute_best(scenario.start, scenario.nodes, scenario.competencies)


def _percent(points: int, best: int) -> float:
    """``points`` as a percentage of ``best``; 100 when nothing could be earned at all."""
    if best <= 0:
        return 100.0
    return min(100.0, max(0.0, points * 100.0 / best))


def score_path(scenario: Scenario, choices: Sequence[PathStep]) -> RunScore:
    """Score a run given as its (node id, choice index) steps, from ``start`` in order.

    The steps must follow each other through the graph (a broken or tampered path raises
    InvalidChoice rather than being scored); an unfinished run is scored as far as it went.
    """
    points = dict.fromkeys(scenario.competencies, 0)
    expected = scenario.start
    for position, (node_id, index) in enumerate(choices):
        if node_id != expected:
            raise InvalidChoice(
                f"step {position + 1} is played from node {node_id!r}, "
                f"but the run is at node {expected!r}"
            )
        step = advance(scenario, node_id, index)
        for name, amount in step.choice.points.items():
            points[name] = points.get(name, 0) + amount
        expected = step.next_node_id
    total = sum(points.values())
    best = scenario.best
    return RunScore(
        points=points,
        total=total,
        best_total=best.total,
        percent=_percent(total, best.total),
        competencies=tuple(
            CompetencyScore(name, points[name], best.per_competency.get(name, 0))
            for name in scenario.competencies
        ),
    )


def _choice_value(scenario: Scenario, choice: Choice) -> int:
    """Best total still achievable by taking ``choice``: its points plus the best after it."""
    return choice.total + scenario.best.remaining[choice.next]


def best_choice(scenario: Scenario, node_id: str) -> Choice:
    """The choice at ``node_id`` that keeps the highest total achievable (first one on a tie)."""
    node = scenario.node(node_id)
    if not node.choices:
        raise InvalidChoice(f"node {node_id!r} is an ending: it has no choices")
    return max(node.choices, key=lambda choice: _choice_value(scenario, choice))


def better_choice(scenario: Scenario, node_id: str, chosen_index: int) -> Choice | None:
    """For the debrief: the best choice at ``node_id`` when it beats the one taken, else None.

    A choice worth as much as the best (a tie) counts as best: no "better choice" is shown.
    """
    chosen = _choice_at(scenario.node(node_id), chosen_index)
    best = best_choice(scenario, node_id)
    if _choice_value(scenario, chosen) >= _choice_value(scenario, best):
        return None
    return best


# --------------------------------------------------------------------------------------------
# Playing


def _choice_at(node: Node, index: int) -> Choice:
    if node.is_ending:
        raise InvalidChoice(f"node {node.id!r} is an ending: there is no choice to make")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(node.choices):
        raise InvalidChoice(
            f"node {node.id!r} has no choice {index!r} (it has {len(node.choices)})"
        )
    return node.choices[index]


def advance(scenario: Scenario, node_id: str, choice_index: int) -> Step:
    """Play choice ``choice_index`` at ``node_id``. Pure: the same input gives the same step,
    so the app can compare a posted (node, choice) with the run's current node and replay
    safely. Raises InvalidChoice when the node is unknown, an ending, or lacks that choice."""
    choice = _choice_at(scenario.node(node_id), choice_index)
    target = scenario.nodes[choice.next]
    return Step(
        node_id=node_id,
        choice=choice,
        next_node_id=target.id,
        ended=target.is_ending,
        outcome=target.ending.outcome if target.ending else None,
    )


def paths(scenario: Scenario) -> Iterator[tuple[PathStep, ...]]:
    """Every complete path from ``start`` to an ending, in choice order.

    Their number can grow exponentially with the graph: meant for tests and checks on
    scenario-sized graphs, never for a request.
    """
    stack: list[tuple[str, tuple[PathStep, ...]]] = [(scenario.start, ())]
    while stack:
        node_id, prefix = stack.pop()
        node = scenario.nodes[node_id]
        if node.is_ending:
            yield prefix
            continue
        for choice in reversed(node.choices):
            stack.append((choice.next, (*prefix, (node_id, choice.index))))


def best_path(scenario: Scenario) -> tuple[PathStep, ...]:
    """A path reaching the best total (following ``best_choice`` from the start)."""
    steps: list[PathStep] = []
    node = scenario.nodes[scenario.start]
    while not node.is_ending:
        choice = best_choice(scenario, node.id)
        steps.append((node.id, choice.index))
        node = scenario.nodes[choice.next]
    return tuple(steps)


def worst_path(scenario: Scenario) -> tuple[PathStep, ...]:
    """A path with the lowest total (first one on a tie), in linear time like ``best_path``."""
    lowest: dict[str, int] = {}
    for node_id in _postorder(scenario.start, scenario.nodes):
        node = scenario.nodes[node_id]
        lowest[node_id] = min((c.total + lowest[c.next] for c in node.choices), default=0)
    steps: list[PathStep] = []
    node = scenario.nodes[scenario.start]
    while not node.is_ending:
        choice = min(node.choices, key=lambda c: c.total + lowest[c.next])
        steps.append((node.id, choice.index))
        node = scenario.nodes[choice.next]
    return tuple(steps)
