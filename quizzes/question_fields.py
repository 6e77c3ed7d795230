"""The type-specific fields of one question, built from data that passed the quiz schema.

``docs/schemas/quiz.schema.json`` defines which keys each question type has and what they hold
(``training.content_schema`` validates a file against it first). What is left here is what a
schema cannot say: repeated answers, items or pairs (named with the value), a numeric range
whose ``min`` is above its ``max``; then the fields become the model's (Markdown rendered once).
``quizzes.formats`` drives them per question.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from training.content_source import Problem, line_of, own_line

from .model import Choice

Render = Callable[[str], str]


def default_render(markdown: str) -> str:
    """Fallback renderer: no Markdown, just escaped text in a paragraph (the app passes its own)."""
    return f"<p>{html.escape(markdown)}</p>"


def text_of(value: Any) -> str:
    """A short text as written; the schema lets a bare number stand for its text (``114``)."""
    return str(value) if value is not None else ""


class Checker:
    """Collects the problems of one file, each tied to its line, and renders its Markdown."""

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

    def optional_html(self, text: str) -> str:
        return self.render(text) if text else ""


def _choices(check: Checker, item: dict, what: str) -> dict[str, Any]:
    choices = []
    for entry in item["choices"]:
        text, feedback = text_of(entry["text"]), text_of(entry.get("feedback"))
        choices.append(
            Choice(
                text=text,
                correct=entry.get("correct", False),
                feedback=feedback,
                text_html=check.render(text),
                feedback_html=check.optional_html(feedback),
            )
        )
    return {"choices": tuple(choices)}


def _true_false(check: Checker, item: dict, what: str) -> dict[str, Any]:
    return {"answer": item["answer"]}


def _distinct_texts(check: Checker, item: dict, key: str, what: str) -> list[str]:
    """The texts of a list, reporting the first one written twice (``[]`` then)."""
    raw = item[key]
    texts: list[str] = []
    for index, value in enumerate(raw):
        if text_of(value) in texts:
            check.problem(
                line_of(raw, index, check.line(item, key)), f"{what}: duplicate entry {value!r}"
            )
            return []
        texts.append(text_of(value))
    return texts


def _short_answer(check: Checker, item: dict, what: str) -> dict[str, Any]:
    return {"answers": tuple(_distinct_texts(check, item, "answers", what))}


def _ordering(check: Checker, item: dict, what: str) -> dict[str, Any]:
    return {"items": tuple(_distinct_texts(check, item, "items", what))}


def _numeric(check: Checker, item: dict, what: str) -> dict[str, Any]:
    if "min" in item:
        low, high = float(item["min"]), float(item["max"])
        if low > high:
            check.problem(
                check.line(item, "max"), f"{what}: 'min' ({low:g}) is above 'max' ({high:g})"
            )
        return {"min": low, "max": high}
    return {"answer": float(item["answer"]), "tolerance": float(item.get("tolerance") or 0)}


def _matching(check: Checker, item: dict, what: str) -> dict[str, Any]:
    pairs: list[tuple[str, str]] = []
    for entry in item["pairs"]:
        left, right = text_of(entry["left"]), text_of(entry["right"])
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
