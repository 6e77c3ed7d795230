"""Competency blocks: the units of a certification that a course's activities serve.

A course declares its blocks in ``course.yaml`` (``blocks: [{id, title, rncp}]``; for the
bundled course the CAP units EP1–EP3 of RNCP37240 and the AMIS CCP1–3 of RNCP37722), and each
module (front matter), quiz and role-play names the blocks it serves with ``blocks: [EP1]``.
This module reads those lists and cross-checks them: a name that the course does not declare is
an error, a declared block that nothing serves is a warning. Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from training.content_source import kind_of, line_of

BLOCK_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
BLOCK_KEYS = ("id", "title", "rncp")

#: ``add(line, message)``: where a reader reports a problem in the file it is reading.
AddProblem = Callable[[int, str], None]


@dataclass(frozen=True)
class Block:
    id: str
    title: str
    rncp: str | None = None


def _own_line(value: Any, default: int) -> int:
    return getattr(value, "line", default)


def parse_course_blocks(data: Mapping[str, Any], add: AddProblem) -> tuple[Block, ...]:
    """The ``blocks`` list of course.yaml (empty when absent), reporting each malformed item."""
    if "blocks" not in data:
        return ()
    value = data["blocks"]
    line = line_of(data, "blocks")
    if not isinstance(value, list):
        add(line, f"'blocks' must be a list of {{id, title, rncp}}, not {kind_of(value)}")
        return ()
    blocks: list[Block] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(value):
        item_line = line_of(value, index, line)
        if not isinstance(item, dict):
            add(item_line, f"each block must be a mapping with id and title, not {kind_of(item)}")
            continue
        for key in item:
            if key not in BLOCK_KEYS:
                add(
                    line_of(item, key, item_line),
                    f"unknown key {key!r} in a block (allowed: {', '.join(BLOCK_KEYS)})",
                )
        block_id, title, rncp = item.get("id"), item.get("title"), item.get("rncp")
        if not isinstance(block_id, str) or not BLOCK_ID_RE.match(block_id):
            add(
                line_of(item, "id", item_line),
                f"a block's 'id' must be a short name like EP1 or CCP2, not {block_id!r}",
            )
            continue
        if block_id in seen:
            add(item_line, f"block {block_id!r} is declared twice (first on line {seen[block_id]})")
            continue
        if not isinstance(title, str) or not title.strip():
            add(line_of(item, "title", item_line), f"block {block_id!r} needs a 'title'")
            continue
        if rncp is not None and not (isinstance(rncp, str) and rncp.strip()):
            add(line_of(item, "rncp", item_line), f"block {block_id!r}: 'rncp' must be text")
            rncp = None
        seen[block_id] = item_line
        blocks.append(Block(block_id, title.strip(), rncp.strip() if rncp else None))
    return tuple(blocks)


def parse_block_refs(data: Mapping[str, Any], add: AddProblem) -> tuple[str, ...]:
    """The ``blocks: [EP1, …]`` list of a module, quiz or role-play (empty when absent)."""
    if "blocks" not in data:
        return ()
    value = data["blocks"]
    line = line_of(data, "blocks")
    if not isinstance(value, list) or not value:
        add(line, f"'blocks' must be a non-empty list of block ids, not {kind_of(value)}")
        return ()
    names: list[str] = []
    for index, name in enumerate(value):
        if not isinstance(name, str) or not BLOCK_ID_RE.match(name):
            add(line_of(value, index, line), f"{name!r} in 'blocks' is not a block id")
        elif name not in names:
            names.append(name)
    return tuple(names)


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
