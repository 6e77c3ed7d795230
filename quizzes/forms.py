"""The attempt form without WTForms fields: its questions vary per attempt.

``layout`` turns an attempt (its drawn questions and display orders) and the saved answers into
what the template shows; ``answers_from_form`` maps posted values (DISPLAY positions) back to the
answer shapes of ``quizzes.grading`` (ORIGINAL indices). Posting display positions rather than
original indices keeps the file's order (often "right answer first") out of the page.

Field names use the question's position in the attempt (``q3``, ``q3-1`` …), never its content.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_wtf import FlaskForm

from quizzes.model import Question, Quiz

MAX_TEXT = 500


class AttemptForm(FlaskForm):
    """Only the CSRF token; the answer fields are rendered from ``layout``."""


@dataclass(frozen=True)
class Option:
    value: str
    html: str  # safe HTML (rendered Markdown) or escaped text in the template
    checked: bool = False
    markup: bool = True  # False: plain text, the template escapes it


@dataclass(frozen=True)
class SubField:
    """One <select> of a matching (per left item) or ordering (per item) question."""

    name: str
    label: str
    selected: str
    options: tuple[tuple[str, str], ...]  # (value, label)


@dataclass(frozen=True)
class QuestionView:
    position: int  # 1-based
    name: str
    question: Question
    options: tuple[Option, ...] = ()
    value: str = ""
    subfields: tuple[SubField, ...] = field(default_factory=tuple)


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


def label_html(safe_html: str) -> str:
    """A choice's sanitised HTML made fit for a <label> (phrasing content only): a lone
    paragraph loses its <p>, several become spans shown as blocks (the ``label-para`` class)."""
    text = safe_html.strip()
    paragraphs = _PARAGRAPH.findall(text)
    if len(paragraphs) == 1 and _PARAGRAPH.fullmatch(text):
        return paragraphs[0]
    return _PARAGRAPH.sub(r'<span class="label-para">\1</span>', text)


def _size(question: Question) -> int:
    if question.type in ("single", "multiple"):
        return len(question.choices)
    if question.type == "matching":
        return len(question.pairs)
    if question.type == "ordering":
        return len(question.items)
    return 0


def _order(question: Question, stored: Any) -> list[int]:
    """The stored display order, or (if the file changed its choices since) a fresh one that
    still does not show matching/ordering in the key's order."""
    size = _size(question)
    order = [i for i in stored if isinstance(i, int)] if isinstance(stored, list) else []
    if sorted(order) == list(range(size)):
        return order
    if question.type in ("matching", "ordering") and size > 1:
        return list(range(1, size)) + [0]
    return list(range(size))


def _entries(attempt: Any, quiz: Quiz) -> list[tuple[int, Question, list[int]]]:
    result = []
    for position, entry in enumerate(attempt.questions, start=1):
        question = quiz.question(entry["id"])
        if question is not None:
            result.append((position, question, _order(question, entry.get("order"))))
    return result


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def layout(
    attempt: Any, quiz: Quiz, answers: Mapping[str, Any] | None = None
) -> list[QuestionView]:
    """The attempt's questions as form fields, pre-filled with the saved answers."""
    answers = attempt.answers if answers is None else answers
    views = []
    for position, question, order in _entries(attempt, quiz):
        name = f"q{position}"
        answer = (answers or {}).get(question.id)
        views.append(_view(position, name, question, order, answer))
    return views


def _view(position: int, name: str, q: Question, order: list[int], answer: Any) -> QuestionView:
    if q.type == "single":
        picked = _int(answer)
        options = tuple(
            Option(str(k), label_html(q.choices[i].text_html), checked=(i == picked))
            for k, i in enumerate(order)
        )
        return QuestionView(position, name, q, options)
    if q.type == "multiple":
        picked_set = {_int(a) for a in answer} if isinstance(answer, list) else set()
        options = tuple(
            Option(str(k), label_html(q.choices[i].text_html), checked=(i in picked_set))
            for k, i in enumerate(order)
        )
        return QuestionView(position, name, q, options)
    if q.type == "true_false":
        options = (
            Option("true", "", checked=answer is True),
            Option("false", "", checked=answer is False),
        )
        return QuestionView(position, name, q, options)
    if q.type in ("short_answer", "numeric"):
        return QuestionView(position, name, q, value="" if answer is None else str(answer))
    if q.type == "matching":
        rights = tuple((str(k), q.pairs[i][1]) for k, i in enumerate(order))
        matched = answer if isinstance(answer, dict) else {}
        subs = []
        for left_index, (left, _right) in enumerate(q.pairs):
            chosen = _int(matched.get(str(left_index)))
            selected = str(order.index(chosen)) if chosen in order else ""
            subs.append(SubField(f"{name}-{left_index}", left, selected, rights))
        return QuestionView(position, name, q, subfields=tuple(subs))
    if q.type == "ordering":
        placed = answer if isinstance(answer, list) else []
        positions = tuple((str(p), str(p)) for p in range(1, len(q.items) + 1))
        subs = []
        for k, item_index in enumerate(order):
            at = placed.index(item_index) + 1 if item_index in placed else None
            subs.append(SubField(f"{name}-{k}", q.items[item_index], str(at or ""), positions))
        return QuestionView(position, name, q, subfields=tuple(subs))
    return QuestionView(position, name, q)


def answers_from_form(attempt: Any, quiz: Quiz, form: Any) -> dict[str, Any]:
    """Posted values → answers in ORIGINAL indices, one entry per question of the page.

    A question left blank maps to None (or [] / {}), so un-ticking a box is saved too. Values that
    are out of range are dropped rather than trusted.
    """
    answers: dict[str, Any] = {}
    for position, q, order in _entries(attempt, quiz):
        name = f"q{position}"
        if q.type == "single":
            k = _int(form.get(name))
            answers[q.id] = order[k] if k is not None and 0 <= k < len(order) else None
        elif q.type == "multiple":
            ks = {_int(v) for v in form.getlist(name)}
            answers[q.id] = sorted(order[k] for k in ks if k is not None and 0 <= k < len(order))
        elif q.type == "true_false":
            raw = form.get(name)
            answers[q.id] = True if raw == "true" else False if raw == "false" else None
        elif q.type in ("short_answer", "numeric"):
            text = (form.get(name) or "").strip()[:MAX_TEXT]
            answers[q.id] = text or None
        elif q.type == "matching":
            matched = {}
            for left_index in range(len(q.pairs)):
                k = _int(form.get(f"{name}-{left_index}"))
                if k is not None and 0 <= k < len(order):
                    matched[str(left_index)] = order[k]
            answers[q.id] = matched
        elif q.type == "ordering":
            size = len(order)
            slots: list[int | None] = [None] * size
            for k, item_index in enumerate(order):
                p = _int(form.get(f"{name}-{k}"))
                if p is not None and 1 <= p <= size and slots[p - 1] is None:
                    slots[p - 1] = item_index
            answers[q.id] = [] if all(s is None for s in slots) else slots
    return answers
