"""The checking vocabulary for quiz files, and the type-specific fields of one question.

``Checker`` collects every problem of one file, each tied to its line; the field parsers
(choices, true/false, short answers, numeric, matching, ordering) use it to check what a
question of each type adds to the common keys. ``quizzes.formats`` drives them per question.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import Any

from training.content_source import Problem, line_of, own_line

from .model import Choice

Render = Callable[[str], str]

TYPE_KEYS: dict[str, frozenset[str]] = {
    "single": frozenset({"choices"}),
    "multiple": frozenset({"choices"}),
    "true_false": frozenset({"answer"}),
    "short_answer": frozenset({"answers"}),
    "numeric": frozenset({"answer", "tolerance", "min", "max"}),
    "matching": frozenset({"pairs"}),
    "ordering": frozenset({"items"}),
}
CHOICE_KEYS = frozenset({"text", "correct", "feedback"})
PAIR_KEYS = frozenset({"left", "right"})


def default_render(markdown: str) -> str:
    """Fallback renderer: no Markdown, just escaped text in a paragraph (the app passes its own)."""
    return f"<p>{html.escape(markdown)}</p>"


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _is_text(value: Any) -> bool:
    """Short texts may be written unquoted: ``text: 114`` is the text "114"."""
    return isinstance(value, str) or _is_number(value)


class Checker:
    """Collects problems for one file; small helpers keep each check to one line."""

    def __init__(self, path: str, render: Render, default_line: int) -> None:
        self.path = path
        self.render = render
        self.default_line = default_line
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def line(self, container: Any, key: Any) -> int:
        return line_of(container, key, own_line(container, self.default_line))

    def own(self, container: Any) -> int:
        return own_line(container, self.default_line)

    def check_keys(self, data: dict, allowed: frozenset[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(self.line(data, key), f"unknown key {key!r} in {what}")

    def text(self, data: dict, key: str, what: str, required: bool = True) -> str | None:
        if key not in data or data[key] is None:
            if required:
                self.problem(self.own(data), f"{what}: missing key {key!r}")
            return None
        value = data[key]
        if not _is_text(value) or (isinstance(value, str) and not value.strip()):
            self.problem(self.line(data, key), f"{what}: {key!r} must be a non-empty text")
            return None
        return str(value)

    def number(
        self, data: dict, key: str, what: str, *, integer: bool = False, minimum: float = 0
    ) -> float | None:
        if key not in data or data[key] is None:
            return None
        value = data[key]
        kind = "a whole number" if integer else "a number"
        if not _is_number(value) or (integer and not isinstance(value, int)):
            self.problem(self.line(data, key), f"{what}: {key!r} must be {kind}")
            return None
        if value < minimum:
            self.problem(self.line(data, key), f"{what}: {key!r} must be at least {minimum:g}")
            return None
        return float(value)

    def choice_value(self, data: dict, key: str, allowed: tuple[str, ...], default: str) -> str:
        value = data.get(key)
        if value is None:
            return default
        if value not in allowed:
            self.problem(
                self.line(data, key),
                f"{key!r} must be one of {', '.join(allowed)} (got {value!r})",
            )
            return default
        return str(value)


def _choices(check: Checker, item: dict, what: str) -> dict[str, Any]:
    raw = item.get("choices")
    if raw is None:
        check.problem(check.own(item), f"{what}: missing key 'choices'")
        return {}
    if not isinstance(raw, list) or len(raw) < 2:
        check.problem(check.line(item, "choices"), f"{what}: 'choices' needs at least 2 choices")
        return {}
    choices: list[Choice] = []
    for index, entry in enumerate(raw):
        entry_line = line_of(raw, index, check.line(item, "choices"))
        if not isinstance(entry, dict):
            check.problem(entry_line, f"{what}: choice {index + 1} must be a mapping with 'text'")
            continue
        check.check_keys(entry, CHOICE_KEYS, "a choice")
        text = check.text(entry, "text", f"{what}, choice {index + 1}")
        feedback = check.text(entry, "feedback", f"{what}, choice {index + 1}", required=False)
        correct = entry.get("correct", False)
        if not isinstance(correct, bool):
            check.problem(check.line(entry, "correct"), f"{what}: 'correct' must be true or false")
            correct = False
        if text is not None:
            choices.append(
                Choice(
                    text=text,
                    correct=correct,
                    feedback=feedback or "",
                    text_html=check.render(text),
                    feedback_html=check.render(feedback) if feedback else "",
                )
            )
    if len(choices) == len(raw):
        right = sum(c.correct for c in choices)
        if item.get("type") == "single" and right != 1:
            check.problem(
                check.line(item, "choices"),
                f"{what}: a single choice question needs exactly one correct choice (has {right})",
            )
        if item.get("type") == "multiple" and right == 0:
            check.problem(
                check.line(item, "choices"),
                f"{what}: a multiple choice question needs at least one correct choice",
            )
    return {"choices": tuple(choices)}


def _true_false(check: Checker, item: dict, what: str) -> dict[str, Any]:
    if "answer" not in item:
        check.problem(check.own(item), f"{what}: missing key 'answer' (true or false)")
        return {}
    if not isinstance(item["answer"], bool):
        check.problem(check.line(item, "answer"), f"{what}: 'answer' must be true or false")
        return {}
    return {"answer": item["answer"]}


def _text_list(check: Checker, item: dict, key: str, what: str, minimum: int) -> list[str]:
    """A list of non-empty, distinct texts (``[]`` after reporting a problem)."""
    raw = item.get(key)
    if raw is None:
        check.problem(check.own(item), f"{what}: missing key {key!r}")
        return []
    if not isinstance(raw, list) or len(raw) < minimum:
        check.problem(check.line(item, key), f"{what}: {key!r} needs at least {minimum} entries")
        return []
    texts: list[str] = []
    for index, value in enumerate(raw):
        if not _is_text(value) or not str(value).strip():
            check.problem(line_of(raw, index, check.line(item, key)), f"{what}: empty or bad entry")
            return []
        if str(value) in texts:
            check.problem(
                line_of(raw, index, check.line(item, key)), f"{what}: duplicate entry {value!r}"
            )
            return []
        texts.append(str(value))
    return texts


def _short_answer(check: Checker, item: dict, what: str) -> dict[str, Any]:
    return {"answers": tuple(_text_list(check, item, "answers", what, 1))}


def _ordering(check: Checker, item: dict, what: str) -> dict[str, Any]:
    return {"items": tuple(_text_list(check, item, "items", what, 2))}


def _numeric(check: Checker, item: dict, what: str) -> dict[str, Any]:
    has_answer = "answer" in item
    has_range = "min" in item or "max" in item
    if has_answer and has_range:
        check.problem(
            check.line(item, "min" if "min" in item else "max"),
            f"{what}: give either 'answer' (and 'tolerance') or 'min' and 'max'",
        )
        return {}
    if has_range:
        if "tolerance" in item:
            check.problem(check.line(item, "tolerance"), f"{what}: 'tolerance' goes with 'answer'")
        low = check.number(item, "min", what, minimum=-math.inf)
        high = check.number(item, "max", what, minimum=-math.inf)
        if "min" not in item or "max" not in item:
            check.problem(check.own(item), f"{what}: a range needs both 'min' and 'max'")
        elif low is not None and high is not None and low > high:
            check.problem(
                check.line(item, "max"), f"{what}: 'min' ({low:g}) is above 'max' ({high:g})"
            )
        return {"min": low, "max": high}
    if not has_answer:
        check.problem(check.own(item), f"{what}: missing key 'answer' (or 'min' and 'max')")
        return {}
    value = check.number(item, "answer", what, minimum=-math.inf)
    if value is None and "answer" in item and item["answer"] is None:
        check.problem(check.line(item, "answer"), f"{what}: 'answer' must be a number")
    tolerance = check.number(item, "tolerance", what)
    return {"answer": value, "tolerance": tolerance or 0.0}


def _matching(check: Checker, item: dict, what: str) -> dict[str, Any]:
    raw = item.get("pairs")
    if raw is None:
        check.problem(check.own(item), f"{what}: missing key 'pairs'")
        return {}
    if not isinstance(raw, list) or len(raw) < 2:
        check.problem(check.line(item, "pairs"), f"{what}: 'pairs' needs at least 2 pairs")
        return {}
    pairs: list[tuple[str, str]] = []
    for index, entry in enumerate(raw):
        entry_line = line_of(raw, index, check.line(item, "pairs"))
        if not isinstance(entry, dict):
            check.problem(entry_line, f"{what}: pair {index + 1} must be {{left, right}}")
            return {}
        check.check_keys(entry, PAIR_KEYS, "a pair")
        left = check.text(entry, "left", f"{what}, pair {index + 1}")
        right = check.text(entry, "right", f"{what}, pair {index + 1}")
        if left is None or right is None:
            return {}
        for side, value, seen in (
            ("left", left, [p[0] for p in pairs]),
            ("right", right, [p[1] for p in pairs]),
        ):
            if value in seen:
                check.problem(check.line(entry, side), f"{what}: duplicate {side} {value!r}")
                return {}
        pairs.append((left, right))
    return {"pairs": tuple(pairs)}


TYPE_PARSERS: dict[str, Callable[[Checker, dict, str], dict[str, Any]]] = {
    "single": _choices,
    "multiple": _choices,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
}
