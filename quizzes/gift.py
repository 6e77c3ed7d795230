"""Importing Moodle's GIFT format (https://docs.moodle.org/en/GIFT_format).

GIFT files are hand-written and messy, so the importer never raises: each question is a
blank-line separated block, and a block it cannot use (an essay, a description, stray text)
becomes a ``warning:`` problem naming its line while the rest still imports. A block it cannot
understand (an unclosed ``{``, a bad number) becomes an error problem and is skipped.

Escapes (``\\~ \\= \\# \\{ \\} \\: \\\\`` and ``\\n``) are swapped for private-use placeholders
first, so the structural parsing only ever sees unescaped control characters; the placeholders
become the literal characters again in the final texts.

Read as Moodle reads it (``question/format/gift/format.php``):

- a choice question (its answers contain ``~``) is ``multiple`` when no answer is marked ``=``,
  whatever the weights, and ``single`` otherwise;
- weights snap to the nearest of Moodle's grade fractions (``%33.33333%`` is exactly 1/3);
- ``// [id:…]`` and ``// [tag:…]`` in a question's comments are its idnumber and tags, and
  ``// passerelle: points=2 type=ordering`` carries what GIFT cannot say (Moodle ignores it);
- ``$CATEGORY: …`` lines set the category of the questions after them (not questions);
- a numeric question's catch-all answer (``~#feedback`` with no value) keeps its feedback.

Converting to the quiz model and writing GIFT back live in ``gift_convert`` and ``gift_export``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from training.content_source import Problem

_ESCAPES = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004",
            "}": "\ue005", ":": "\ue006"}  # fmt: skip
_NEWLINE = "\ue007"  # an escaped ``\n``: unlike the file's own line breaks, never stripped
_UNESCAPE = str.maketrans({v: k for k, v in _ESCAPES.items()} | {_NEWLINE: "\n"})
_FORMAT_TAG = re.compile(r"^\s*\[(markdown|html|plain|moodle)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
_NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUM_RANGE = re.compile(rf"^({_NUMBER})\.\.({_NUMBER})$")
_NUM_TOL = re.compile(rf"^({_NUMBER})(?::({_NUMBER}))?$")
_SENTENCE_END = re.compile(r"^[.?!,:)\]»]+$")
_CATEGORY = re.compile(r"^\s*\$CATEGORY:\s*(.*?)\s*$", re.IGNORECASE)
# Moodle's qformat_default::extract_idnumber_and_tags_from_comment.
_ID_COMMENT = re.compile(r"\[id:((?:\\.|[^\]\\])*)\]")
_TAG_COMMENT = re.compile(r"\[tag:((?:\\.|[^\]\\])*)\]")
_META_COMMENT = re.compile(r"^//\s*passerelle:\s*(.*)$")
_META_ITEM = re.compile(r"([a-z_]+)=(\S+)")

#: Moodle's grade fractions (question_bank::fraction_options_full), as exact fractions: a GIFT
#: weight snaps to the nearest, as Moodle's import does.
MOODLE_FRACTIONS: tuple[Fraction, ...] = tuple(
    sorted(
        {
            sign * f
            for sign in (1, -1)
            for f in (
                Fraction(1),
                Fraction(9, 10),
                Fraction(5, 6),
                Fraction(4, 5),
                Fraction(3, 4),
                Fraction(7, 10),
                Fraction(2, 3),
                Fraction(3, 5),
                Fraction(1, 2),
                Fraction(2, 5),
                Fraction(1, 3),
                Fraction(3, 10),
                Fraction(1, 4),
                Fraction(1, 5),
                Fraction(1, 6),
                Fraction(1, 7),
                Fraction(1, 8),
                Fraction(1, 9),
                Fraction(1, 10),
                Fraction(1, 20),
                Fraction(0),
            )
        }
    )
)

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
    bounds: tuple[float, float] | None = None  # when written as a range min..max


def snap_weight(fraction: float) -> Fraction:
    """The Moodle grade fraction nearest to ``fraction`` (-1..1)."""
    return min(MOODLE_FRACTIONS, key=lambda option: abs(float(option) - fraction))


@dataclass
class GiftQuestion:
    type: GiftType
    name: str
    prompt: str
    line: int
    idnumber: str | None = None  # // [id:…]
    tags: list[str] = field(default_factory=list)  # // [tag:…]
    category: str | None = None  # from the last $CATEGORY line
    meta: dict[str, str] = field(default_factory=dict)  # // passerelle: key=value …
    other_feedback: str = ""  # numeric: the catch-all answer's feedback
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
            if nxt == "n":  # a line break of the text itself, kept exactly (see _clean)
                out.append(_NEWLINE)
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


@dataclass
class _Block:
    start: int  # line of the first non-comment line
    text: str  # comment lines blanked, so positions still map to lines
    comments: list[str]  # the block's comment lines (Moodle reads ids and tags from them)


def _blocks(source: str) -> list[_Block]:
    """Blank-line separated blocks, as Moodle splits a GIFT file into questions."""
    blocks: list[_Block] = []
    current: list[str] = []
    comments: list[str] = []
    start = 0

    def flush() -> None:
        if start:
            blocks.append(_Block(start, "\n".join(current), list(comments)))

    for number, raw in enumerate(source.splitlines(), start=1):
        if not raw.strip():
            flush()
            current, comments, start = [], [], 0
            continue
        is_comment = raw.lstrip().startswith("//")
        if is_comment:
            comments.append(raw.strip())
        if not start:
            if is_comment:
                continue
            start = number
        current.append("" if is_comment else raw)
    flush()
    return blocks


def _from_comments(question: GiftQuestion, comments: list[str]) -> None:
    text = "\n".join(comments)
    if match := _ID_COMMENT.search(text):
        question.idnumber = match.group(1).replace("\\]", "]").strip() or None
    question.tags = [t.replace("\\]", "]").strip() for t in _TAG_COMMENT.findall(text)]
    question.tags = [t for t in question.tags if t]
    for comment in comments:
        if match := _META_COMMENT.match(comment):
            question.meta.update(dict(_META_ITEM.findall(match.group(1))))


def parse_gift(text: str, path: str = "<gift>") -> tuple[list[GiftQuestion], list[Problem]]:
    """Parse GIFT text into questions; warnings' messages start with ``"warning:"``."""
    questions: list[GiftQuestion] = []
    problems: list[Problem] = []
    category: str | None = None
    for block in _blocks(text.lstrip("\ufeff")):
        if match := _CATEGORY.match(block.text.strip().splitlines()[0]):
            category = match.group(1) or None
            continue
        try:
            question = _parse_block(_protect(block.text), block.start, path, problems)
        except _GiftError as exc:
            problems.append(Problem(path, block.start, str(exc)))
            continue
        if question is not None:
            question.category = category
            _from_comments(question, block.comments)
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
    return float(snap_weight(percent / 100)), text[match.end() :]


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
        # Moodle: "multiple answers are enabled if no single answer is 100% correct", which it
        # decides by the absence of any '=' mark, not by the weights.
        question.type = "single" if any(mark == "=" for mark, _ in answers) else "multiple"
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
            if mark == "~":  # Moodle's "any other answer": no value, only its feedback
                question.other_feedback = _text(feedback)
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
            round((low + high) / 2, 12),
            round((high - low) / 2, 12),
            weight,
            feedback,
            bounds=(low, high),
        )
    if match := _NUM_TOL.match(text):
        tolerance = abs(float(match.group(2))) if match.group(2) else 0.0
        return GiftNumber(float(match.group(1)), tolerance, weight, feedback)
    raise _GiftError(f"bad numeric answer {text!r} (expected value, value:tolerance or min..max)")
