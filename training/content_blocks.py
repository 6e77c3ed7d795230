"""Competency blocks: the units of a certification that a course's activities serve.

A course declares its blocks in ``course.yaml`` (``blocks: [{id, title, rncp}]``; for the
bundled course the CAP units EP1–EP3 of RNCP37240 and the AMIS CCP1–3 of RNCP37722), and each
module (front matter), quiz and role-play names the blocks it serves with ``blocks: [EP1]``.
Their shape is defined in ``docs/schemas/`` (``common.schema.json#/$defs/blockRefs`` and the
``block`` of ``course.schema.json``); this module reads the lists of files that passed it and
cross-checks them: a block declared twice or a name that the course does not declare is an
error, a declared block that nothing serves is a warning. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from training.content_source import line_of

#: ``add(line, message)``: where a reader reports a problem in the file it is reading.
AddProblem = Callable[[int, str], None]


@dataclass(frozen=True)
class Block:
    id: str
    title: str
    rncp: str | None = None


def parse_course_blocks(data: Mapping[str, Any], add: AddProblem) -> tuple[Block, ...]:
    """The ``blocks`` list of a course.yaml that passed its schema (empty when absent).

    The schema defines each block's shape; what is left is a block declared twice.
    """
    blocks: list[Block] = []
    seen: dict[str, int] = {}
    value = data.get("blocks") or []
    for index, item in enumerate(value):
        item_line = line_of(value, index, line_of(data, "blocks"))
        block_id = item["id"]
        if block_id in seen:
            add(item_line, f"block {block_id!r} is declared twice (first on line {seen[block_id]})")
            continue
        seen[block_id] = item_line
        rncp = item.get("rncp")
        blocks.append(Block(block_id, item["title"].strip(), rncp.strip() if rncp else None))
    return tuple(blocks)


def block_refs(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The ``blocks: [EP1, …]`` of a module, quiz or role-play that passed its schema."""
    return tuple(dict.fromkeys(data.get("blocks") or ()))


@dataclass(frozen=True)
class BlockUse:
    """One file's ``blocks`` list: where it is (for messages) and what it names."""

    path: str
    line: int
    names: tuple[str, ...]


def check_block_usage(
    declared: Iterable[Block], uses: Iterable[BlockUse], course_path: str, course_line: int
) -> list[tuple[str, int, str]]:
    """``(path, line, message)`` for each unknown block named and each block nothing serves.

    Unknown names are errors; an unused declared block is a warning (``"warning: …"``).
    """
    declared = list(declared)
    known = {b.id for b in declared}
    used: set[str] = set()
    problems: list[tuple[str, int, str]] = []
    for use in uses:
        for name in use.names:
            if name in known:
                used.add(name)
            else:
                allowed = ", ".join(sorted(known)) or "none declared in course.yaml"
                problems.append(
                    (use.path, use.line, f"unknown block {name!r} (course blocks: {allowed})")
                )
    for block in declared:
        if block.id not in used:
            problems.append(
                (
                    course_path,
                    course_line,
                    f"warning: block {block.id!r} is served by no module, quiz or role-play",
                )
            )
    return problems
