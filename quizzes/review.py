"""What the result page shows per question: the learner's answer as safe HTML.

Every learner-typed value is escaped here; choice texts are sanitised HTML from the loader, so
the template may print these strings with ``|safe``.
"""

from __future__ import annotations

import html
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _

from quizzes.model import Question


def _index(value: Any, size: int) -> int | None:
    try:
        index = int(value)
    except (TypeError, ValueError):
        return None
    return index if 0 <= index < size else None


def answer_display(question: Question, answer: Any) -> str:
    """The learner's answer, readable, escaped (choice texts are already sanitised HTML)."""
    esc = html.escape
    if answer is None or answer == "" or answer == [] or answer == {}:
        return f"<em>{esc(_('No answer'))}</em>"
    q = question
    if q.type == "single":
        i = _index(answer, len(q.choices))
        return q.choices[i].text_html if i is not None else ""
    if q.type == "multiple" and isinstance(answer, list):
        picked = sorted({i for a in answer if (i := _index(a, len(q.choices))) is not None})
        items = "".join(f"<li>{q.choices[i].text_html}</li>" for i in picked)
        return f"<ul>{items}</ul>"
    if q.type == "true_false":
        return esc(_("True") if answer is True else _("False"))
    if q.type in ("short_answer", "numeric"):
        return esc(str(answer))
    if q.type == "matching" and isinstance(answer, dict):
        rows = []
        for left_index, (left, _right) in enumerate(q.pairs):
            r = _index(answer.get(str(left_index)), len(q.pairs))
            right = q.pairs[r][1] if r is not None else "—"
            rows.append(f"<li>{esc(left)} → {esc(right)}</li>")
        return "<ul>" + "".join(rows) + "</ul>"
    if q.type == "ordering" and isinstance(answer, list):
        rows = []
        for item in answer:
            i = _index(item, len(q.items))
            rows.append(f"<li>{esc(q.items[i]) if i is not None else '—'}</li>")
        return "<ol>" + "".join(rows) + "</ol>"
    return esc(str(answer))


def right_answer_display(question: Question, correct_html: str) -> str:
    """The right answer (grading's display, with true/false translated and numbers in the
    reader's locale: ``3,14 ± 0,01`` in French, every digit of the key kept)."""
    if question.type == "true_false":
        return html.escape(_("True") if question.answer else _("False"))
    if question.type == "numeric":
        if question.min is not None and question.max is not None:
            return html.escape(f"{_decimal(question.min)} – {_decimal(question.max)}")
        if isinstance(question.answer, int | float) and not isinstance(question.answer, bool):
            shown = _decimal(question.answer)
            if question.tolerance:
                shown += f" ± {_decimal(question.tolerance)}"
            return html.escape(shown)
    return correct_html


def _decimal(value: float) -> str:
    """A key's number as the locale writes it, without rounding it away (up to 6 decimals)."""
    return format_decimal(value, format="#,##0.######")
