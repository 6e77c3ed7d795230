"""Collecting the problems of one course folder, and telling warnings from errors.

A problem whose message starts with ``"warning:"`` is a warning: reported, but the course still
loads. ``flask courses check --strict`` counts warnings as errors (``strict``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from training.content_source import LineDict, LineList, Problem, kind_of, line_of

WARNING = "warning:"


def is_warning(problem: Problem) -> bool:
    return problem.message.startswith(WARNING)


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if not is_warning(p)]


def strict(problem: Problem) -> Problem:
    """The same problem as an error (``--strict``): ``warning:`` becomes ``error:``."""
    if not is_warning(problem):
        return problem
    return Problem(problem.path, problem.line, "error:" + problem.message[len(WARNING) :])


def is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def own_line(value: Any, default: int = 1) -> int:
    return value.line if isinstance(value, (LineDict, LineList)) else default


class CourseProblems:
    """Collects problems for one course, with paths shown as ``<display>/<relative path>``."""

    def __init__(self, display: str) -> None:
        self.display = display.rstrip("/") or "."
        self.items: list[Problem] = []

    def path(self, relative: str) -> str:
        return f"{self.display}/{relative}"

    def add(self, relative: str, line: int, message: str) -> None:
        self.items.append(Problem(self.path(relative), line, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def check_keys(
        self,
        relative: str,
        mapping: dict,
        required: tuple[str, ...],
        optional: tuple[str, ...],
        where: str = "",
    ) -> None:
        allowed = ", ".join((*required, *optional))
        for key in mapping:
            if key not in required and key not in optional:
                self.add(
                    relative,
                    line_of(mapping, key, own_line(mapping)),
                    f"unknown key {key!r}{where} (allowed: {allowed})",
                )
        for key in required:
            if key not in mapping:
                self.add(relative, own_line(mapping), f"missing {key!r}{where}")

    def text(self, relative: str, mapping: dict, key: str, where: str = "") -> str:
        if key not in mapping:
            return ""
        value = mapping[key]
        if is_text(value):
            return value.strip()
        hint = ""
        if isinstance(value, (bool, int, float)):
            hint = " (put it in quotes: YAML reads yes, no, on, off and numbers as values)"
        self.add(
            relative,
            line_of(mapping, key, own_line(mapping)),
            f"{key!r}{where} must be non-empty text, not {kind_of(value)}{hint}",
        )
        return ""

    def text_list(self, relative: str, mapping: dict, key: str, required: bool) -> list[str]:
        if key not in mapping:
            return []
        value = mapping[key]
        line = line_of(mapping, key, own_line(mapping))
        if not isinstance(value, list) or (required and not value):
            empty = isinstance(value, list)
            self.add(
                relative,
                line,
                f"{key!r} must be a non-empty list of text, "
                + ("it is empty" if empty else f"not {kind_of(value)}"),
            )
            return []
        items: list[str] = []
        for index, item in enumerate(value):
            if is_text(item):
                items.append(item.strip())
            else:
                self.add(
                    relative,
                    line_of(value, index, line),
                    f"each item of {key!r} must be text, not {kind_of(item)}",
                )
        return items
