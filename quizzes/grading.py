"""Pure grading: questions + answers in, a result per question out. No Flask, no database.

Answer shapes (what the quiz form stores per question id; indices always refer to the ORIGINAL
order in the quiz file, never the shuffled display order, so grading does not depend on it):

- ``single``: ``int``, index into ``question.choices``
- ``multiple``: ``list[int]`` of picked choice indices (order and repeats do not matter)
- ``true_false``: ``bool``
- ``short_answer``: ``str``
- ``numeric``: ``str`` or number; ``"1,5"`` and ``"1.5"`` both mean 1.5, spaces are ignored
- ``matching``: ``dict`` {left index: right index}, both indices into ``question.pairs``
- ``ordering``: ``list[int]``, item indices in the order the learner put them

Wherever an index is expected, a digit string (``"2"``) is accepted too: form values are text and
JSON turns dict keys into text.

A missing answer, ``None``, ``""``, ``[]`` or ``{}`` is *unanswered* (0 points). An answer of the
wrong shape (a string for ``single``, an index out of range, an ordering that is not a
permutation…) is *wrong* (0 points) and never raises.

Partial credit (a fraction of the question's points, always within 0..points):

- ``multiple``: each right pick adds 1/(number of correct choices), each wrong pick subtracts
  1/(number of incorrect choices), floored at 0. Ticking every box therefore scores 0, and the
  key scores exactly full marks.
- ``matching``: the fraction of left items matched to their right item.
- ``ordering``: full marks only when every item is in place, otherwise the fraction of items at
  their right position.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .model import Question

Status = Literal["right", "wrong", "partial", "unanswered"]


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    points: float
    max_points: float
    status: Status
    feedback: tuple[str, ...]  # feedback HTML of what was picked, in the quiz's order
    correct_answer_display: str  # HTML, safe to print as is


@dataclass(frozen=True)
class QuizResult:
    questions: tuple[QuestionResult, ...]
    points: float
    max_points: float
    percent: float  # 0..100

    def result_for(self, question_id: str) -> QuestionResult | None:
        return next((r for r in self.questions if r.question_id == question_id), None)


class _Malformed(Exception):
    """The answer has the wrong shape: graded as wrong."""


def grade(questions: Sequence[Question], answers: Mapping[str, Any]) -> QuizResult:
    """Grade ``answers`` (question id → answer, shapes in the module docstring)."""
    results = tuple(grade_question(q, answers.get(q.id)) for q in questions)
    points = sum(r.points for r in results)
    max_points = sum(r.max_points for r in results)
    percent = 100.0 * points / max_points if max_points > 0 else 0.0
    return QuizResult(
        questions=results,
        points=round(points, 6),
        max_points=round(max_points, 6),
        percent=min(100.0, max(0.0, round(percent, 2))),
    )


def grade_question(question: Question, answer: Any) -> QuestionResult:
    display = correct_answer_display(question)
    if _is_blank(answer):
        return QuestionResult(question.id, 0.0, question.points, "unanswered", (), display)
    feedback: tuple[str, ...] = ()
    try:
        fraction, feedback = _SCORERS[question.type](question, answer)
    except _Malformed:
        fraction = 0.0
    fraction = min(1.0, max(0.0, fraction))
    if fraction >= 1.0:
        status: Status = "right"
    elif fraction <= 0.0:
        status = "wrong"
    else:
        status = "partial"
    points = round(question.points * fraction, 6)
    return QuestionResult(question.id, points, question.points, status, feedback, display)


def compute_grade(attempt_percents: Sequence[float], method: str) -> float | None:
    """The quiz grade from submitted attempts' percents in chronological order (None if none)."""
    if not attempt_percents:
        return None
    if method == "highest":
        return max(attempt_percents)
    if method == "last":
        return attempt_percents[-1]
    if method == "first":
        return attempt_percents[0]
    if method == "average":
        return round(sum(attempt_percents) / len(attempt_percents), 2)
    raise ValueError(f"unknown grading method {method!r}")


def _is_blank(answer: Any) -> bool:
    if answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    return isinstance(answer, list | tuple | dict | set) and not answer


def _index(value: Any, size: int) -> int:
    """An index in range; digit strings are accepted because JSON turns dict keys into text."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < size:
        raise _Malformed
    return value


def _indices(value: Any, size: int) -> list[int]:
    if not isinstance(value, list | tuple):
        raise _Malformed
    return [_index(v, size) for v in value]


Scored = tuple[float, tuple[str, ...]]


def _feedback(question: Question, picked: list[int]) -> tuple[str, ...]:
    return tuple(
        question.choices[i].feedback_html
        for i in sorted(set(picked))
        if question.choices[i].feedback_html
    )


def _single(question: Question, answer: Any) -> Scored:
    index = _index(answer, len(question.choices))
    return (1.0 if question.choices[index].correct else 0.0), _feedback(question, [index])


def _multiple(question: Question, answer: Any) -> Scored:
    picked = set(_indices(answer, len(question.choices)))
    n_correct = sum(c.correct for c in question.choices)
    n_wrong = len(question.choices) - n_correct
    right = sum(question.choices[i].correct for i in picked)
    wrong = len(picked) - right
    fraction = (right / n_correct if n_correct else 0.0) - (wrong / n_wrong if n_wrong else 0.0)
    return fraction, _feedback(question, list(picked))


def _true_false(question: Question, answer: Any) -> Scored:
    if not isinstance(answer, bool):
        raise _Malformed
    return (1.0 if answer == question.answer else 0.0), ()


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def normalise_text(text: str) -> str:
    """Case, accents, spaces and punctuation removed: ``"Élan, vital"`` → ``"elanvital"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES)).casefold()
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def _short_answer(question: Question, answer: Any) -> Scored:
    if not isinstance(answer, str):
        raise _Malformed
    given = normalise_text(answer)
    accepted = {normalise_text(a) for a in question.answers}
    return (1.0 if given and given in accepted else 0.0), ()


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number(value: Any) -> float:
    """A learner's number: ``"1,5"``, ``" 1.5 "``, ``"1 000"``, ``2`` (raises _Malformed)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        text = re.sub(r"[\s\u00a0\u202f]", "", value)
        text = text.replace(",", "") if "." in text else text.replace(",", ".")
        if not _NUMBER.fullmatch(text):
            raise _Malformed
        number = float(text)
    else:
        raise _Malformed
    if not math.isfinite(number):
        raise _Malformed
    return number


def _close(a: float, b: float) -> float:
    """Slack for binary floats, so 0.1 + 0.2 is within a tolerance of 0 of 0.3."""
    return 1e-9 * max(1.0, abs(a), abs(b))


def _numeric(question: Question, answer: Any) -> Scored:
    x = parse_number(answer)
    if question.min is not None and question.max is not None:
        ok = question.min - _close(x, question.min) <= x <= question.max + _close(x, question.max)
    elif isinstance(question.answer, int | float) and not isinstance(question.answer, bool):
        target = float(question.answer)
        ok = abs(x - target) <= question.tolerance + _close(x, target)
    else:
        ok = False
    return (1.0 if ok else 0.0), ()


def _matching(question: Question, answer: Any) -> Scored:
    if not isinstance(answer, Mapping):
        raise _Malformed
    size = len(question.pairs)
    matched = {_index(k, size): _index(v, size) for k, v in answer.items()}
    right = sum(1 for left, r in matched.items() if left == r)
    return right / size, ()


def _ordering(question: Question, answer: Any) -> Scored:
    size = len(question.items)
    order = _indices(answer, size)
    if sorted(order) != list(range(size)):
        raise _Malformed
    in_place = sum(1 for position, item in enumerate(order) if position == item)
    return in_place / size, ()


_SCORERS = {
    "single": _single,
    "multiple": _multiple,
    "true_false": _true_false,
    "short_answer": _short_answer,
    "numeric": _numeric,
    "matching": _matching,
    "ordering": _ordering,
}


def _fmt(number: float) -> str:
    return f"{number:g}"


def correct_answer_display(question: Question) -> str:
    """The right answer as safe HTML for the review page."""
    esc = html.escape
    if question.type == "single":
        return next((c.text_html for c in question.choices if c.correct), "")
    if question.type == "multiple":
        items = "".join(f"<li>{c.text_html}</li>" for c in question.choices if c.correct)
        return f"<ul>{items}</ul>"
    if question.type == "true_false":
        return "True" if question.answer else "False"
    if question.type == "short_answer":
        return " / ".join(esc(a) for a in question.answers)
    if question.type == "numeric":
        if question.min is not None and question.max is not None:
            return f"{_fmt(question.min)} – {_fmt(question.max)}"
        if isinstance(question.answer, bool) or not isinstance(question.answer, int | float):
            return ""
        if question.tolerance:
            return f"{_fmt(question.answer)} ± {_fmt(question.tolerance)}"
        return _fmt(question.answer)
    if question.type == "matching":
        items = "".join(f"<li>{esc(left)} → {esc(right)}</li>" for left, right in question.pairs)
        return f"<ul>{items}</ul>"
    if question.type == "ordering":
        return "<ol>" + "".join(f"<li>{esc(item)}</li>" for item in question.items) + "</ol>"
    return ""
