"""Reading course content files (YAML and front matter) while keeping line numbers.

Every content problem is reported as ``path:line: message`` so an author can jump straight to
the mistake. PyYAML's composer knows where each node starts; this module keeps that position on
the dicts and lists it builds, so later validation (quizzes, role-plays, course.yaml) can name the
line of a bad key or item without re-reading the file.

Parsing uses libyaml's C parser (``yaml.CSafeLoader``) where PyYAML was built with it, about ten
times faster than the pure-Python one; its nodes carry the same start marks, so every line
number is the same. When a file does not parse, it is parsed again with the pure-Python loader,
whose messages are more precise (it names the offending character, e.g. a tab), so authors read
the same message either way. Only the constructors are ours; both loaders are safe loaders.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a content file, printed as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """A content file could not be read at all (the problems say where and why)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class LineDict(dict):
    """A mapping from YAML that remembers its own line and the line of each key (1-based)."""

    line: int = 1
    key_lines: dict[Any, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = 1
        self.key_lines = {}

    def line_of(self, key: Any) -> int:
        """The line where ``key`` is written, or the mapping's own line if it is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence from YAML that remembers its own line and the line of each item (1-based)."""

    line: int = 1
    item_lines: list[int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = 1
        self.item_lines = []

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


#: libyaml's safe loader when PyYAML has it (the usual wheels do), else the pure-Python one.
FAST_SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that builds LineDict/LineList and rejects duplicate keys."""


class _FastLineLoader(FAST_SAFE_LOADER):  # type: ignore[misc, valid-type]
    """The same constructors on libyaml's parser (or the pure-Python one where it is absent)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping.key_lines:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {mapping.key_lines[key]})",
                key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml_text(text: str, path: str, first_line: int = 1) -> Any:
    """Parse YAML text; ``first_line`` shifts line numbers (front matter starts after ``---``).

    Raises ContentError naming the file and line when the YAML itself is malformed.
    """
    try:
        data = yaml.load(text, Loader=_FastLineLoader)  # noqa: S506 - a safe loader subclass
    except yaml.YAMLError:
        data = _load_slowly(text, path, first_line)
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


def _load_slowly(text: str, path: str, first_line: int) -> Any:
    """Parse with the pure-Python loader: its error names the problem most precisely."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + first_line) if mark else first_line
        message = exc.problem or str(exc)
        raise ContentError([Problem(path, line, f"invalid YAML: {message}")]) from exc
    except yaml.YAMLError as exc:
        raise ContentError([Problem(path, first_line, f"invalid YAML: {exc}")]) from exc


def load_yaml_file(path: Path, display_path: str | None = None) -> Any:
    """Read and parse a YAML file (UTF-8), reporting problems against ``display_path``."""
    shown = display_path or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(shown, 1, f"not valid UTF-8: {exc.reason}")]) from exc
    return load_yaml_text(text, shown)


def split_front_matter(text: str, path: str) -> tuple[Any, str, int]:
    """Split a Markdown file into (front matter data, body, line where the body starts).

    The file must open with a ``---`` line and close the front matter with another ``---``.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError(
            [Problem(path, 1, "missing front matter: the file must start with '---'")]
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            meta = load_yaml_text("".join(lines[1:index]), path, first_line=2)
            body = "".join(lines[index + 1 :])
            return meta, body, index + 2
    raise ContentError([Problem(path, 1, "front matter is not closed by a '---' line")])


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, LineDict):
        data.line += offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, LineList):
        data.line += offset
        data.item_lines = [v + offset for v in data.item_lines]
        for value in data:
            _shift_lines(value, offset)


def line_of(container: Any, key: Any, default: int = 1) -> int:
    """Line of ``key`` in a LineDict/LineList, or ``default`` for plain containers."""
    if isinstance(container, (LineDict, LineList)):
        return container.line_of(key)
    return default


def own_line(container: Any, default: int = 1) -> int:
    """The line where a LineDict/LineList starts, or ``default`` for plain values."""
    return container.line if isinstance(container, (LineDict, LineList)) else default


def kind_of(value: Any) -> str:
    """How to name a value's type to a content author ("text", "a list", …)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
