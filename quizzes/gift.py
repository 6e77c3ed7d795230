"""Importing Moodle's GIFT format (https://docs.moodle.org/en/GIFT_format).

GIFT files are hand-written and messy, so the importer never raises: each question is a
blank-line separated block, and a block it cannot use (an essay, a description, stray text)
becomes a ``warning:`` problem naming its line while the rest still imports. A block it cannot
understand (an unclosed ``{``, a bad number) becomes an error problem and is skipped.

Escapes (``\\~ \\= \\# \\{ \\} \\: \\\\`` and ``\\n``) are swapped for private-use placeholders
first, so the structural parsing only ever sees unescaped control characters; the placeholders
become the literal characters again in the final texts.

Which GIFT choice questions become ``multiple``: Moodle's own rule, when no answer is worth
100 %, plus the case where several are (the quiz model's ``single`` has exactly one right
choice). A ``single`` question can still carry partial-credit choices (``~%50%``): the JSON keeps
their weights; the quiz model keeps only the 100 % choice as correct.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from training.content_source import LineDict, LineList, Problem

from .formats import Render, parse_quiz
from .model import Question

_ESCAPES = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004",
            "}": "\ue005", ":": "\ue006"}  # fmt: skip
_UNESCAPE = str.maketrans({v: k for k, v in _ESCAPES.items()})
_FORMAT_TAG = re.compile(r"^\s*\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
_NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUM_RANGE = re.compile(rf"^({_NUMBER})\.\.({_NUMBER})$")
_NUM_TOL = re.compile(rf"^({_NUMBER})(?::({_NUMBER}))?$")
_SENTENCE_END = re.compile(r"^[.?!,:)\]»]+$")

GiftType = Literal["single", "multiple", "true_false", "short_answer", "numeric", "matching"]


@dataclass
class GiftChoice:
    text: str
    weight: float  # fraction, -1..1
    feedback: str = ""


@dataclass
class GiftNumber:
    value: float
    tolerance: float
    weight: float
    feedback: str = ""


@dataclass
class GiftQuestion:
    type: GiftType
    name: str
    prompt: str
    line: int
    format: str = "moodle"  # markdown | html | plain | moodle (Moodle's default)
    choices: list[GiftChoice] = field(default_factory=list)  # single, multiple, short_answer
    numbers: list[GiftNumber] = field(default_factory=list)  # numeric
    pairs: list[tuple[str, str]] = field(default_factory=list)  # matching
    distractors: list[str] = field(default_factory=list)  # matching: rights with no left
    answer: bool | None = None  # true_false
    feedback_right: str = ""  # true_false
    feedback_wrong: str = ""  # true_false
    general_feedback: str = ""


class _GiftError(Exception):
    """A block that cannot be imported; the message becomes the problem's."""


def _protect(text: str) -> str:
    """Replace escapes by placeholders; ``\\n`` is a newline."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            if nxt == "n":
                out.append("\n")
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _clean(text: str) -> tuple[str, str | None]:
    """Strip, take off a leading format tag, restore escaped characters: (text, format)."""
    match = _FORMAT_TAG.match(text)
    fmt = match.group(1).lower() if match else None
    if match:
        text = text[match.end() :]
    lines = [line.strip() for line in text.strip().splitlines()]
    return "\n".join(lines).translate(_UNESCAPE), fmt


def _text(text: str) -> str:
    return _clean(text)[0]


def _blocks(source: str) -> list[tuple[int, str]]:
    """Blank-line separated blocks as (line of the first non-comment line, text).

    Comment lines are blanked (not removed) so positions in the text still map to lines.
    """
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0

    def flush() -> None:
        if start:
            blocks.append((start, "\n".join(current)))

    for number, raw in enumerate(source.splitlines(), start=1):
        if not raw.strip():
            flush()
            current, start = [], 0
            continue
        is_comment = raw.lstrip().startswith("//")
        if not start:
            if is_comment:
                continue
            start = number
        current.append("" if is_comment else raw)
    flush()
    return blocks


def parse_gift(text: str, path: str = "<gift>") -> tuple[list[GiftQuestion], list[Problem]]:
    """Parse GIFT text into questions; warnings' messages start with ``"warning:"``."""
    questions: list[GiftQuestion] = []
    problems: list[Problem] = []
    for start, block in _blocks(text.lstrip("\ufeff")):
        try:
            question = _parse_block(_protect(block), start, path, problems)
        except _GiftError as exc:
            problems.append(Problem(path, start, str(exc)))
            continue
        if question is not None:
            questions.append(question)
    return questions, problems


def _parse_block(block: str, start: int, path: str, problems: list[Problem]) -> GiftQuestion | None:
    def line_at(pos: int) -> int:
        return start + block.count("\n", 0, pos)

    def warn(pos: int, message: str) -> None:
        problems.append(Problem(path, line_at(pos), f"warning: {message}"))

    body = block.strip()
    offset = len(block) - len(block.lstrip())
    name = ""
    if body.startswith("::"):
        end = body.find("::", 2)
        if end < 0:
            raise _GiftError("unclosed '::' question name")
        name = _text(body[2:end])
        offset += end + 2
        body = body[end + 2 :]
    open_at = body.find("{")
    if open_at < 0:
        text = _text(body)
        if not re.search(r"\w", text):
            warn(offset, f"stray text {text!r} between questions ignored")
        else:
            warn(offset, f"description {_label(name, text)} has no answers: not imported")
        return None
    close_at = body.find("}", open_at)
    if close_at < 0:
        raise _GiftError("'{' without a closing '}'")
    before, inner, after = body[:open_at], body[open_at + 1 : close_at], body[close_at + 1 :]
    prompt, fmt = _clean(before)
    suffix = _text(after)
    if "{" in after:
        raise _GiftError(
            "only one answer block '{…}' per question (separate questions by a blank line)"
        )
    if suffix and not re.search(r"\w", suffix) and not _SENTENCE_END.match(suffix):
        warn(offset + close_at, f"stray text {suffix!r} after the answers ignored")
        suffix = ""
    if suffix:  # a missing-word question: the blank goes where the braces were
        joint = "" if suffix[0] in ".,;:!?)»" else " "
        prompt = f"{prompt} _____{joint}{suffix}".strip()
    if not inner.strip():
        warn(offset + open_at, f"essay {_label(name, prompt)} cannot be graded: not imported")
        return None
    question = GiftQuestion(
        type="single", name=name, prompt=prompt, line=start, format=fmt or "moodle"
    )
    inner, general = _split_general_feedback(inner)
    question.general_feedback = _text(general)
    _parse_answers(question, inner)
    return question


def _label(name: str, text: str) -> str:
    shown = name or (text[:40] + ("…" if len(text) > 40 else ""))
    return repr(shown)


def _split_general_feedback(inner: str) -> tuple[str, str]:
    at = inner.find("####")
    if at < 0:
        return inner, ""
    return inner[:at], inner[at + 4 :]


def _split_answers(inner: str) -> list[tuple[str, str]]:
    """``=a ~b`` → [("=", "a"), ("~", "b")]; text before the first marker raises."""
    parts = re.split(r"([=~])", inner)
    if parts[0].strip():
        raise _GiftError(f"unexpected text {_text(parts[0])!r} before the first answer")
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts), 2)]


def _weight(text: str, default: float) -> tuple[float, str]:
    match = _WEIGHT.match(text)
    if not match:
        return default, text
    percent = float(match.group(1))
    if not -100 <= percent <= 100:
        raise _GiftError(f"weight {percent:g}% is outside -100%..100%")
    return percent / 100, text[match.end() :]


def _split_feedback(text: str) -> tuple[str, str]:
    head, _, feedback = text.partition("#")
    return head, feedback


def _parse_answers(question: GiftQuestion, inner: str) -> None:
    stripped = inner.strip()
    head = stripped.split("#", 1)[0].strip().upper()
    if stripped.startswith("#"):
        question.type = "numeric"
        _parse_numeric(question, stripped[1:])
    elif head in {"T", "F", "TRUE", "FALSE"}:
        question.type = "true_false"
        question.answer = head.startswith("T")
        parts = stripped.split("#")
        question.feedback_wrong = _text(parts[1]) if len(parts) > 1 else ""
        question.feedback_right = _text(parts[2]) if len(parts) > 2 else ""
    else:
        answers = _split_answers(stripped)
        if not answers:
            raise _GiftError("no answer in '{…}'")
        if all(mark == "=" and "->" in text for mark, text in answers):
            question.type = "matching"
            _parse_matching(question, answers)
        else:
            _parse_choices(question, answers)


def _parse_choices(question: GiftQuestion, answers: list[tuple[str, str]]) -> None:
    for mark, raw in answers:
        weight, rest = _weight(raw, 1.0 if mark == "=" else 0.0)
        text, feedback = _split_feedback(rest)
        question.choices.append(GiftChoice(_text(text), weight, _text(feedback)))
    if any(mark == "~" for mark, _ in answers):
        full = sum(1 for c in question.choices if c.weight >= 1)
        question.type = "single" if full == 1 else "multiple"
    else:
        question.type = "short_answer"


def _parse_matching(question: GiftQuestion, answers: list[tuple[str, str]]) -> None:
    for _, raw in answers:
        left, _, right = raw.partition("->")
        left_text, right_text = _text(left), _text(right)
        if not right_text:
            raise _GiftError(f"matching pair {left_text!r} has no right side")
        if left_text:
            question.pairs.append((left_text, right_text))
        else:
            question.distractors.append(right_text)
    if len(question.pairs) < 2:
        raise _GiftError("a matching question needs at least 2 pairs")


def _parse_numeric(question: GiftQuestion, inner: str) -> None:
    if not re.match(r"\s*[=~]", inner):
        inner = "=" + inner
    for mark, raw in _split_answers(inner):
        weight, rest = _weight(raw, 1.0 if mark == "=" else 0.0)
        value_text, feedback = _split_feedback(rest)
        value_text = value_text.strip().translate(_UNESCAPE)
        if not value_text:
            if mark == "~":  # Moodle's "any other answer" feedback: nothing to grade
                continue
            raise _GiftError("a numeric answer has no value")
        question.numbers.append(_number(value_text, weight, _text(feedback)))
    if not question.numbers:
        raise _GiftError("a numeric question needs a value")


def _number(text: str, weight: float, feedback: str) -> GiftNumber:
    text = re.sub(r"\s+", "", text)
    if match := _NUM_RANGE.match(text):
        low, high = float(match.group(1)), float(match.group(2))
        if low > high:
            raise _GiftError(f"numeric range {text!r}: the minimum is above the maximum")
        # Rounded so 3.141..3.142 gives 3.1415 ± 0.0005, not binary-float noise.
        return GiftNumber(
            round((low + high) / 2, 12), round((high - low) / 2, 12), weight, feedback
        )
    if match := _NUM_TOL.match(text):
        tolerance = abs(float(match.group(2))) if match.group(2) else 0.0
        return GiftNumber(float(match.group(1)), tolerance, weight, feedback)
    raise _GiftError(f"bad numeric answer {text!r} (expected value, value:tolerance or min..max)")


# --- export -------------------------------------------------------------------------------


def _clean_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 10)


def gift_to_json(questions: list[GiftQuestion]) -> list[dict[str, Any]]:
    """Plain data for ``--json``: type, name, prompt and the type's answers (weights 0..1)."""
    out: list[dict[str, Any]] = []
    for q in questions:
        item: dict[str, Any] = {"type": q.type, "name": q.name, "prompt": q.prompt}
        item["format"] = q.format
        item["line"] = q.line
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
    """Ids from names (slugified) or ``q<position>``, made unique with ``-2``, ``-3``…"""
    ids: list[str] = []
    for position, q in enumerate(questions, start=1):
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


def gift_to_quiz_data(questions: list[GiftQuestion], title: str | None = None) -> LineDict:
    """The quiz in the docs/content-format.md YAML shape (lines point into the GIFT file).

    Lossy where the quiz format is narrower: partial-credit weights become right/wrong (a
    ``single`` keeps its 100 % choice, a ``multiple`` every positive one, a short answer its
    best-weighted texts), a numeric question keeps its best-weighted answer, true/false and
    general feedback move into the explanation, matching distractors are dropped.
    """
    items: list[LineDict] = []
    for qid, q in zip(question_ids(questions), questions, strict=True):
        data: dict[str, Any] = {"id": qid, "type": q.type, "prompt": q.prompt or q.name or qid}
        notes: list[str] = [q.general_feedback] if q.general_feedback else []
        if q.type in ("single", "multiple"):
            data["choices"] = [
                _line_dict(
                    q.line,
                    {
                        "text": c.text,
                        "correct": c.weight >= 1 if q.type == "single" else c.weight > 0,
                    }
                    | ({"feedback": c.feedback} if c.feedback else {}),
                )
                for c in q.choices
            ]
        elif q.type == "short_answer":
            best = max(c.weight for c in q.choices)
            data["answers"] = [c.text for c in q.choices if c.weight == best and best > 0]
        elif q.type == "numeric":
            best_number = max(q.numbers, key=lambda n: n.weight)
            data["answer"] = _clean_number(best_number.value)
            if best_number.tolerance:
                data["tolerance"] = _clean_number(best_number.tolerance)
        elif q.type == "matching":
            data["pairs"] = [_line_dict(q.line, {"left": a, "right": b}) for a, b in q.pairs]
        elif q.type == "true_false":
            data["answer"] = q.answer
            notes += [f for f in (q.feedback_right, q.feedback_wrong) if f]
        if notes:
            data["explanation"] = "\n\n".join(notes)
        items.append(_line_dict(q.line, data))
    questions_list = LineList(items)
    questions_list.line = questions[0].line if questions else 1
    questions_list.item_lines = [q.line for q in questions]
    quiz = {"title": title} if title else {}
    return _line_dict(1, quiz | {"questions": questions_list})


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
