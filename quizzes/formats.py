"""Validating a quiz file into the quiz model, with every problem tied to its line.

``parse_quiz`` takes the data ``training.content_source`` parsed (LineDict/LineList, which know
their lines) and collects *all* problems rather than stopping at the first, so an author fixes a
file in one pass. Plain dicts and lists work too; their problems point at ``default_line``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from training.content_blocks import parse_block_refs
from training.content_source import ContentError, Problem, line_of, load_yaml_file, own_line

from .model import (
    GRADING_METHODS,
    QUESTION_TYPES,
    SHOW_ANSWERS,
    Choice,
    Question,
    Quiz,
    QuizSettings,
)

Render = Callable[[str], str]

SETTINGS_KEYS = frozenset(
    {
        "title",
        "pass_mark",
        "max_attempts",
        "time_limit_minutes",
        "shuffle",
        "draw",
        "grading",
        "show_answers",
        "questions",
        "blocks",
    }
)
COMMON_KEYS = frozenset({"id", "type", "prompt", "points", "explanation"})
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


class _Checker:
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


def parse_quiz(
    data: Any, path: str, render: Render | None = None, default_line: int = 1
) -> tuple[Quiz | None, list[Problem]]:
    """Validate parsed quiz data; return the Quiz (None when anything is wrong) and the problems."""
    check = _Checker(path, render or default_render, default_line)
    if not isinstance(data, dict):
        check.problem(check.own(data), "a quiz file must be a mapping with a 'questions' list")
        return None, check.problems
    check.check_keys(data, SETTINGS_KEYS, "the quiz")
    settings = _parse_settings(check, data)
    questions = _parse_questions(check, data)
    blocks = parse_block_refs(data, check.problem)
    if settings.draw is not None and settings.draw > len(questions) and questions:
        check.problem(
            check.line(data, "draw"),
            f"'draw' is {settings.draw} but the quiz has only {len(questions)} questions",
        )
    if check.problems:
        return None, check.problems
    title = data.get("title")
    quiz = Quiz(
        title=str(title) if title is not None else None,
        settings=settings,
        questions=tuple(questions),
        source_path=path,
        blocks=blocks,
        setting_lines={key: check.line(data, key) for key in data if key != "questions"},
    )
    return quiz, []


def _parse_settings(check: _Checker, data: dict) -> QuizSettings:
    what = "quiz settings"
    if "title" in data and data["title"] is not None:
        check.text(data, "title", what)
    pass_mark = check.number(data, "pass_mark", what)
    if pass_mark is not None and pass_mark > 100:
        check.problem(check.line(data, "pass_mark"), "'pass_mark' is a percent: 0 to 100")
    max_attempts = check.number(data, "max_attempts", what, integer=True)
    time_limit = check.number(data, "time_limit_minutes", what, integer=True, minimum=1)
    draw = check.number(data, "draw", what, integer=True, minimum=1)
    shuffle = data.get("shuffle", True)
    if not isinstance(shuffle, bool):
        check.problem(check.line(data, "shuffle"), "'shuffle' must be true or false")
        shuffle = True
    return QuizSettings(
        pass_mark=pass_mark,
        max_attempts=int(max_attempts) if max_attempts else None,
        time_limit_minutes=int(time_limit) if time_limit is not None else None,
        shuffle=shuffle,
        draw=int(draw) if draw is not None else None,
        grading=check.choice_value(data, "grading", GRADING_METHODS, "highest"),
        show_answers=check.choice_value(data, "show_answers", SHOW_ANSWERS, "after_submit"),
    )


def _parse_questions(check: _Checker, data: dict) -> list[Question]:
    raw = data.get("questions")
    if raw is None:
        check.problem(check.own(data), "missing key 'questions'")
        return []
    if not isinstance(raw, list) or not raw:
        check.problem(check.line(data, "questions"), "'questions' must be a non-empty list")
        return []
    questions: list[Question] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(raw):
        item_line = line_of(raw, index, check.own(raw))
        if not isinstance(item, dict):
            check.problem(item_line, f"question {index + 1} must be a mapping")
            continue
        question = _parse_question(check, item, index)
        if question is None:
            continue
        if question.id in first_line:
            check.problem(
                check.line(item, "id"),
                f"duplicate question id {question.id!r} (first on line {first_line[question.id]})",
            )
            continue
        first_line[question.id] = check.line(item, "id")
        questions.append(question)
    return questions


def _parse_question(check: _Checker, item: dict, index: int) -> Question | None:
    before = len(check.problems)
    qid = item.get("id")
    if qid is None:
        check.problem(check.own(item), f"question {index + 1}: missing key 'id'")
    elif not isinstance(qid, str) or not qid.strip():
        check.problem(check.line(item, "id"), f"question {index + 1}: 'id' must be a text")
    what = f"question {qid!r}" if isinstance(qid, str) else f"question {index + 1}"
    qtype = item.get("type")
    if qtype is None:
        check.problem(check.own(item), f"{what}: missing key 'type'")
        return None
    if qtype not in QUESTION_TYPES:
        check.problem(
            check.line(item, "type"),
            f"{what}: unknown type {qtype!r} (expected one of {', '.join(QUESTION_TYPES)})",
        )
        return None
    check.check_keys(item, COMMON_KEYS | TYPE_KEYS[qtype], f"a {qtype} question")
    prompt = check.text(item, "prompt", what)
    explanation = check.text(item, "explanation", what, required=False) or ""
    points = check.number(item, "points", what)
    fields: dict[str, Any] = _TYPE_PARSERS[qtype](check, item, what)
    if len(check.problems) > before or prompt is None or not isinstance(qid, str):
        return None
    return Question(
        id=qid,
        type=qtype,
        prompt=prompt,
        prompt_html=check.render(prompt),
        points=1.0 if points is None else points,
        explanation=explanation,
        explanation_html=check.render(explanation) if explanation else "",
        line=check.own(item),
        **fields,
    )


def _choices(check: _Checker, item: dict, what: str) -> dict[str, Any]:
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


def _true_false(check: _Checker, item: dict, what: str) -> dict[str, Any]:
    if "answer" not in item:
        check.problem(check.own(item), f"{what}: missing key 'answer' (true or false)")
        return {}
    if not isinstance(item["answer"], bool):
        check.problem(check.line(item, "answer"), f"{what}: 'answer' must be true or false")
        return {}
    return {"answer": item["answer"]}


def _text_list(check: _Checker, item: dict, key: str, what: str, minimum: int) -> list[str]:
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


def _short_answer(check: _Checker, item: dict, what: str) -> dict[str, Any]:
    return {"answers": tuple(_text_list(check, item, "answers", what, 1))}


def _ordering(check: _Checker, item: dict, what: str) -> dict[str, Any]:
    return {"items": tuple(_text_list(check, item, "items", what, 2))}


def _numeric(check: _Checker, item: dict, what: str) -> dict[str, Any]:
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


def _matching(check: _Checker, item: dict, what: str) -> dict[str, Any]:
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


_TYPE_PARSERS: dict[str, Callable[[_Checker, dict, str], dict[str, Any]]] = {
    "single": _choices,
    "multiple": _choices,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
}


def load_quiz_file(
    path: Path, display_path: str, render: Render | None = None
) -> tuple[Quiz | None, list[Problem]]:
    """Read a ``.quiz.yaml`` or ``.quiz.gift`` file into a Quiz.

    GIFT warnings (an essay or description left out, stray text) come back as problems whose
    message starts with ``"warning:"``; they do not stop the quiz from loading, errors do.
    """
    if path.name.endswith(".gift"):
        return _load_gift(path, display_path, render)
    try:
        data = load_yaml_file(path, display_path)
    except ContentError as exc:
        return None, list(exc.problems)
    except OSError as exc:
        return None, [Problem(display_path, 1, f"cannot read the file: {exc.strerror or exc}")]
    return parse_quiz(data, display_path, render)


def _load_gift(
    path: Path, display_path: str, render: Render | None
) -> tuple[Quiz | None, list[Problem]]:
    # Imported here: gift_convert builds on this module (it converts through parse_quiz).
    from .gift import parse_gift
    from .gift_convert import conversion_warnings, gift_to_quiz_data

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(display_path, 1, f"not valid UTF-8: {exc.reason}")]
    except OSError as exc:
        return None, [Problem(display_path, 1, f"cannot read the file: {exc.strerror or exc}")]
    questions, problems = parse_gift(text, display_path)
    if not questions:
        problems.append(Problem(display_path, 1, "no importable question in the GIFT file"))
        return None, problems
    quiz, errors = parse_quiz(gift_to_quiz_data(questions), display_path, render)
    return quiz, problems + conversion_warnings(questions, display_path) + errors
