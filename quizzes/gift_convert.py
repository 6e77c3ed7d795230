"""GIFT questions (as ``quizzes.gift`` reads them) to plain JSON, to quiz data and to YAML.

The quiz format is narrower than Moodle's in places, so the conversion is lossy there and says
so (:func:`conversion_warnings`): partial-credit weights become right/wrong (a ``single`` keeps
its 100 % choice, a ``multiple`` every positive one, a short answer its best-weighted texts), a
numeric question keeps its best-weighted answer, true/false, catch-all and general feedback move
into the explanation, matching distractors are dropped. What Passerelle itself wrote into a
``// passerelle:`` comment (points, an ordering question) comes back exactly.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml

from training.content_source import LineDict, LineList, Problem

from .formats import Render, parse_quiz
from .gift import GiftQuestion
from .model import Question

_VALID_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")


def _clean_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 10)


def gift_to_json(questions: list[GiftQuestion]) -> list[dict[str, Any]]:
    """Plain data for ``--json``: type, name, prompt and the type's answers (weights -1..1)."""
    out: list[dict[str, Any]] = []
    for q in questions:
        item: dict[str, Any] = {"type": q.type, "name": q.name, "prompt": q.prompt}
        item["format"] = q.format
        item["line"] = q.line
        for key, value in (("idnumber", q.idnumber), ("category", q.category)):
            if value:
                item[key] = value
        if q.tags:
            item["tags"] = list(q.tags)
        if q.type in ("single", "multiple"):
            item["choices"] = [
                {"text": c.text, "weight": c.weight, "feedback": c.feedback} for c in q.choices
            ]
        elif q.type == "short_answer":
            item["answers"] = [
                {"text": c.text, "weight": c.weight, "feedback": c.feedback} for c in q.choices
            ]
        elif q.type == "numeric":
            item["answers"] = [
                {
                    "value": _clean_number(n.value),
                    "tolerance": _clean_number(n.tolerance),
                    "weight": n.weight,
                    "feedback": n.feedback,
                }
                for n in q.numbers
            ]
            if q.other_feedback:
                item["other_feedback"] = q.other_feedback
        elif q.type == "matching":
            item["pairs"] = [{"left": left, "right": right} for left, right in q.pairs]
            if q.distractors:
                item["distractors"] = list(q.distractors)
        elif q.type == "true_false":
            item["answer"] = q.answer
            item["feedback_right"] = q.feedback_right
            item["feedback_wrong"] = q.feedback_wrong
        if q.general_feedback:
            item["general_feedback"] = q.general_feedback
        out.append(item)
    return out


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def question_ids(questions: list[GiftQuestion]) -> list[str]:
    """The Moodle idnumber when it is a valid id, else the name slugified, else ``q<position>``;
    made unique with ``-2``, ``-3``…"""
    ids: list[str] = []
    for position, q in enumerate(questions, start=1):
        if q.idnumber and _VALID_ID.match(q.idnumber) and q.idnumber not in ids:
            ids.append(q.idnumber)
            continue
        base = _slug(q.name) or f"q{position}"
        candidate, n = base, 2
        while candidate in ids:
            candidate, n = f"{base}-{n}", n + 1
        ids.append(candidate)
    return ids


def _line_dict(line: int, items: dict[str, Any]) -> LineDict:
    """A LineDict whose every key points at the GIFT question's line (for parse_quiz)."""
    data = LineDict(items)
    data.line = line
    data.key_lines = {}
    return data


def _full_answers(q: GiftQuestion) -> int:
    return sum(1 for c in q.choices if c.weight >= 1)


def _is_ordering(q: GiftQuestion) -> bool:
    """An ordering question Passerelle wrote as matching ``1 -> first item``, ``2 -> …``."""
    return (
        q.type == "matching"
        and q.meta.get("type") == "ordering"
        and [left for left, _ in q.pairs] == [str(n) for n in range(1, len(q.pairs) + 1)]
    )


def _points(q: GiftQuestion) -> float | None:
    try:
        value = float(q.meta["points"])
    except (KeyError, ValueError):
        return None
    return _clean_number(value) if value > 0 else None


def _question_data(qid: str, q: GiftQuestion) -> dict[str, Any]:
    data: dict[str, Any] = {"id": qid, "type": q.type, "prompt": q.prompt or q.name or qid}
    if (points := _points(q)) is not None:
        data["points"] = points
    notes: list[str] = [q.general_feedback] if q.general_feedback else []
    if q.type in ("single", "multiple"):
        # Moodle's single choice may accept several answers at 100 %; the quiz format's single
        # has one right choice, so such a question becomes multiple (and is reported).
        as_single = q.type == "single" and _full_answers(q) <= 1
        data["type"] = "single" if as_single else "multiple"
        data["choices"] = [
            _line_dict(
                q.line,
                {"text": c.text, "correct": c.weight >= 1 if as_single else c.weight > 0}
                | ({"feedback": c.feedback} if c.feedback else {}),
            )
            for c in q.choices
        ]
    elif q.type == "short_answer":
        best = max(c.weight for c in q.choices)
        data["answers"] = [c.text for c in q.choices if c.weight == best and best > 0]
    elif q.type == "numeric":
        best_number = max(q.numbers, key=lambda n: n.weight)
        if best_number.bounds is not None:
            data["min"], data["max"] = (_clean_number(b) for b in best_number.bounds)
        else:
            data["answer"] = _clean_number(best_number.value)
            if best_number.tolerance:
                data["tolerance"] = _clean_number(best_number.tolerance)
        if q.other_feedback:
            notes.append(q.other_feedback)
    elif _is_ordering(q):
        data["type"] = "ordering"
        data["items"] = [right for _, right in q.pairs]
    elif q.type == "matching":
        data["pairs"] = [_line_dict(q.line, {"left": a, "right": b}) for a, b in q.pairs]
    elif q.type == "true_false":
        data["answer"] = q.answer
        notes += [f for f in (q.feedback_right, q.feedback_wrong) if f]
    if notes:
        data["explanation"] = "\n\n".join(notes)
    return data


def gift_to_quiz_data(questions: list[GiftQuestion], title: str | None = None) -> LineDict:
    """The quiz in the docs/content-format.md YAML shape (lines point into the GIFT file)."""
    items = [
        _line_dict(q.line, _question_data(qid, q))
        for qid, q in zip(question_ids(questions), questions, strict=True)
    ]
    questions_list = LineList(items)
    questions_list.line = questions[0].line if questions else 1
    questions_list.item_lines = [q.line for q in questions]
    quiz = {"title": title} if title else {}
    return _line_dict(1, quiz | {"questions": questions_list})


def conversion_warnings(questions: list[GiftQuestion], path: str = "<gift>") -> list[Problem]:
    """What the quiz format cannot keep, one ``warning:`` per question and loss."""
    problems: list[Problem] = []

    def warn(q: GiftQuestion, message: str) -> None:
        problems.append(Problem(path, q.line, f"warning: {message}"))

    for q in questions:
        label = repr(q.name or q.prompt[:40])
        weights = [c.weight for c in q.choices] + [n.weight for n in q.numbers]
        if q.type == "single" and _full_answers(q) > 1:
            warn(q, f"{label} accepts any of several answers in Moodle: imported as multiple")
        if any(0 < abs(w) < 1 for w in weights) and q.type != "multiple":
            warn(q, f"{label} has partial-credit weights: only full-credit answers are kept")
        if q.type == "matching" and q.distractors and not _is_ordering(q):
            warn(q, f"{label}: matching distractors are not kept")
    return problems


def gift_to_quiz_yaml(questions: list[GiftQuestion], title: str | None = None) -> str:
    """YAML in the quiz file format, ready to save as ``<module>.quiz.yaml``."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    header = "# Imported from GIFT: check partial-credit weights, which the quiz format lacks.\n"
    body = yaml.safe_dump(
        plain(gift_to_quiz_data(questions, title)),
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return header + body


def to_quiz_questions(
    questions: list[GiftQuestion],
    path: str = "<gift>",
    render: Render | None = None,
) -> tuple[list[Question], list[Problem]]:
    """Convert to the quiz model's Questions (validated like a YAML quiz)."""
    quiz, problems = parse_quiz(gift_to_quiz_data(questions), path, render)
    return (list(quiz.questions) if quiz else []), problems
