"""Building the Scenario from a role-play file that passed validation (pure).

Markdown is rendered here, once per content version; the best scores are computed from the
graph (``courses.scenario_scoring``).
"""

from __future__ import annotations

import html
from typing import Any, cast

from courses.scenario import (
    Choice,
    Critical,
    DialogueLine,
    Ending,
    Node,
    Outcome,
    Render,
    Scenario,
)
from courses.scenario_scoring import compute_best


class RawNode:
    """A node as read from the file, between validation and building."""

    def __init__(self, node_id: str, line: int, body: dict) -> None:
        self.id = node_id
        self.line = line
        self.body = body
        self.choices: list[tuple[dict, int]] = []  # (choice mapping, line of the item)
        self.edges: list[tuple[str, int]] = []  # (target node id, line of its ``next``)


def build_scenario(
    data: dict,
    path: str,
    slug: str,
    render: Render,
    competencies: tuple[str, ...],
    blocks: tuple[str, ...],
    raws: dict[str, RawNode],
) -> Scenario:
    """The Scenario of a file that passed validation (every key is known to be right)."""
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
                feedback_html=render(item["feedback"]),
                points={k: v for k, v in (item.get("points") or {}).items()},
                line=line,
                critical=_critical(render, item.get("critical")),
            )
            for index, (item, line) in enumerate(raw.choices)
        )
        ending = None
        if "ending" in body:
            ending = Ending(
                outcome=cast(Outcome, body["ending"]["outcome"]),
                debrief=body["ending"]["debrief"],
                debrief_html=render(body["ending"]["debrief"]),
                max_score=_cap(body["ending"].get("max_score")),
            )
        nodes[raw.id] = Node(
            id=raw.id,
            text=body["text"],
            text_html=render(body["text"]),
            dialogue=tuple(
                DialogueLine(d["speaker"], d["line"]) for d in body.get("dialogue") or ()
            ),
            choices=choices,
            ending=ending,
            line=raw.line,
        )
    start = data["start"]
    note = data.get("content_note")
    return Scenario(
        slug=slug,
        title=data["title"],
        summary=data["summary"],
        setting=data["setting"],
        setting_html=render(data["setting"]),
        content_note=note if isinstance(note, str) and note.strip() else None,
        competencies=competencies,
        start=start,
        nodes=nodes,
        source_path=path,
        best=compute_best(start, nodes, competencies),
        blocks=blocks,
    )


def _critical(render: Render, value: Any) -> Critical | None:
    if not isinstance(value, dict):
        return None
    reason = value["reason"].strip()
    return Critical(reason=reason, reason_html=render(reason))


def _cap(value: Any) -> float | None:
    return None if value is None else float(value)
