"""Writing a quiz as GIFT that Moodle imports (``flask quizzes export-gift``).

Each question is written as Moodle's importer reads it (``question/format/gift/format.php``):

- ``// [id:<question id>]`` (Moodle's idnumber) and ``// [tag:<block>]`` for the quiz's
  competency blocks; ``// passerelle: points=… type=ordering`` for what GIFT cannot say (Moodle
  ignores other comments, and the importer of this project reads it back);
- ``::<id>::[markdown]<prompt>`` with GIFT's control characters escaped and line breaks as
  ``\\n``, so a Markdown prompt with paragraphs stays one question;
- ``single`` as ``=right ~wrong``; ``multiple`` with no ``=`` and the weights this project's
  grading uses (each right choice +1/right, each wrong choice -1/wrong: Moodle sums the
  fractions picked, floored at 0, which is the same rule); ``true_false`` as ``TRUE``/``FALSE``;
  ``short_answer`` as ``=a =b``; ``numeric`` as ``#value:tolerance`` or ``#min..max``;
  ``matching`` as ``=left -> right``; ``ordering`` (a question type Moodle's GIFT lacks) as a
  matching of positions ``1 -> first item``…
- the explanation as general feedback (``####``), choice feedback after ``#``.

A weight Moodle cannot hold (1/n for n > 10 right or wrong choices) is rounded to its nearest
grade fraction, as Moodle would, and ``->`` on the left of a matching pair (GIFT has no escape
for it) is written ``→``; :func:`export_warnings` reports both.
"""

from __future__ import annotations

import re
from fractions import Fraction

from training.content_source import Problem

from .gift import MOODLE_FRACTIONS, snap_weight
from .model import Question, Quiz

_CONTROL = str.maketrans({c: "\\" + c for c in "\\~=#{}:"})


def escape(text: str) -> str:
    """GIFT text: control characters escaped, line breaks written ``\\n``."""
    lines = text.strip().replace("\r\n", "\n").translate(_CONTROL).split("\n")
    return "\\n".join(lines)


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e15 else repr(value)


def _percent(weight: Fraction) -> str:
    """Moodle's way of writing a grade fraction as a GIFT weight: at most 5 decimals."""
    return f"%{float(weight) * 100:.5f}".rstrip("0").rstrip(".") + "%"


def answer_text(text: str) -> str:
    """Text after ``=``, ``~`` or ``#``, escaped; a leading format tag (``[html]…``) is kept as
    text behind an explicit ``[markdown]`` (GIFT would read it as the text's format)."""
    escaped = escape(text)
    if re.match(r"\s*\[(markdown|html|plain|moodle)\]", escaped, re.IGNORECASE):
        escaped = "[markdown]" + escaped
    return escaped


def _guarded(mark: str, weight: str, text: str) -> str:
    """``=text`` / ``~text``, with the weight written out when the text starts with ``%``."""
    body = answer_text(text)
    return f"{mark}{weight if body.lstrip().startswith('%') else ''}{body}"


def _feedback(text: str) -> str:
    return f"#{answer_text(text)}" if text.strip() else ""


def _answers(question: Question) -> list[str]:
    kind = question.type
    if kind == "single":
        return [
            _guarded("=", "%100%", c.text) + _feedback(c.feedback)
            if c.correct
            else _guarded("~", "%0%", c.text) + _feedback(c.feedback)
            for c in question.choices
        ]
    if kind == "multiple":
        right = sum(c.correct for c in question.choices)
        wrong = len(question.choices) - right
        out = []
        for c in question.choices:
            weight = snap_weight(1 / right) if c.correct else -snap_weight(1 / wrong)
            out.append(f"~{_percent(weight)}{answer_text(c.text)}{_feedback(c.feedback)}")
        return out
    if kind == "true_false":
        return ["TRUE" if question.answer else "FALSE"]
    if kind == "short_answer":
        return [_guarded("=", "%100%", a) for a in question.answers]
    if kind == "numeric":
        if question.min is not None and question.max is not None:
            return [f"#{_number(question.min)}..{_number(question.max)}"]
        tolerance = f":{_number(question.tolerance)}" if question.tolerance else ""
        return [f"#{_number(float(question.answer or 0))}{tolerance}"]
    if kind == "matching":
        # GIFT cannot escape "->" on the left of a pair (Moodle splits at the first one).
        return [
            f"={escape(left.replace('->', '→'))} -> {escape(right)}"
            for left, right in question.pairs
        ]
    if kind == "ordering":
        return [f"={n} -> {escape(item)}" for n, item in enumerate(question.items, start=1)]
    raise ValueError(f"no GIFT form for question type {kind!r}")


def question_to_gift(question: Question, tags: tuple[str, ...] = ()) -> str:
    """One question as a GIFT block (comments, name, prompt, answers)."""
    bracket_safe_id = question.id.replace("]", "\\]")
    lines = [f"// [id:{bracket_safe_id}]"]
    lines += [f"// [tag:{tag}]" for tag in tags]
    meta = []
    if question.points != 1:
        meta.append(f"points={_number(question.points)}")
    if question.type == "ordering":
        meta.append("type=ordering")
    if meta:
        lines.append("// passerelle: " + " ".join(meta))
    answers = _answers(question)
    if question.explanation.strip():
        answers.append(f"####{answer_text(question.explanation)}")
    head = f"::{escape(question.id)}::[markdown]{escape(question.prompt)}"
    if question.type == "true_false":
        return "\n".join([*lines, f"{head} {{{' '.join(answers)}}}"])
    if question.type == "numeric":
        return "\n".join([*lines, f"{head} {{{''.join(answers)}}}"])
    body = "\n".join(f"    {a}" for a in answers)
    return "\n".join([*lines, f"{head} {{\n{body}\n}}"])


def quiz_to_gift(quiz: Quiz, category: str | None = None) -> str:
    """The whole quiz as a GIFT file: an optional ``$CATEGORY`` line, then one block each."""
    blocks = []
    if category:
        blocks.append(f"$CATEGORY: {category}")
    blocks += [question_to_gift(q, quiz.blocks) for q in quiz.questions]
    return "\n\n".join(blocks) + "\n"


def export_warnings(quiz: Quiz, path: str = "<quiz>") -> list[Problem]:
    """What GIFT cannot hold exactly: weights beyond Moodle's grade fractions (more than 10
    right or wrong choices) and ``->`` on the left of a matching pair."""
    problems = []
    for q in quiz.questions:
        if q.type == "matching" and any("->" in left for left, _ in q.pairs):
            problems.append(
                Problem(
                    path,
                    q.line or 1,
                    f"warning: question {q.id!r}: GIFT cannot hold '->' on the left of a pair; "
                    "written as '→'",
                )
            )
        if q.type != "multiple":
            continue
        right = sum(c.correct for c in q.choices)
        wrong = len(q.choices) - right
        for count in (right, wrong):
            if count and Fraction(1, count) not in MOODLE_FRACTIONS:
                problems.append(
                    Problem(
                        path,
                        q.line or 1,
                        f"warning: question {q.id!r}: 1/{count} is not a Moodle grade "
                        f"fraction; written as {_percent(snap_weight(1 / count))}",
                    )
                )
    return problems
