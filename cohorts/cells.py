"""The dashboard matrix cells rendered to HTML in Python, once per row.

4,000-odd cells (200 learners × modules, quizzes and role-plays) through a Jinja macro with a
gettext call each cost about a second per page; here the labels are translated once per request
and each cell is a string format. Every cell shows a symbol or a score AND a visually-hidden word,
so its status never depends on colour.
"""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

from cohorts.dashboard import Cell, Column, LearnerRow
from training.numbers import format_percent


class CellRenderer:
    def __init__(self) -> None:
        self.percents: dict[float, str] = {}  # each figure formatted once per page
        self.words = {
            "done": _("done"),
            "started": _("opened, not done"),
            "in_progress": _("in progress"),
            "passed": _("passed"),
            "failed": _("not passed"),
            "not_started": _("not started"),
            "attempts": _("attempts"),
            "excused": _("excused"),
        }

    def percent(self, value: float) -> str:
        """The locale's percentage (``training.numbers``), cached: scores repeat a lot."""
        shown = self.percents.get(value)
        if shown is None:
            shown = self.percents[value] = format_percent(value)
        return shown

    def cell(self, cell: Cell) -> str:
        word = escape(self.words[cell.state])
        hidden = f'<span class="visually-hidden">{word}</span></td>'
        if cell.state == "done":
            return f'<td class="mc ok"><span aria-hidden="true">✓</span>{hidden}'
        if cell.state in ("started", "in_progress"):
            return f'<td class="mc warn"><span aria-hidden="true">◐</span>{hidden}'
        if cell.state in ("passed", "failed"):
            symbol, css = ("✓", "ok") if cell.state == "passed" else ("✗", "bad")
            score = self.percent(cell.score or 0.0)
            detail = (
                f'<small><span class="visually-hidden">{escape(self.words["attempts"])} </span>'
                f"{escape(cell.detail)}</small>"
                if cell.detail
                else ""
            )
            return (
                f'<td class="mc {css}"><span aria-hidden="true">{symbol} </span>{score}'
                f'<span class="visually-hidden"> {word}</span>{detail}</td>'
            )
        if cell.state == "excused":
            return (
                f'<td class="mc ok excused"><span aria-hidden="true">✓ </span>'
                f"<small>{word}</small></td>"
            )
        return f'<td class="mc none"><span aria-hidden="true">—</span>{hidden}'

    def row(self, row: LearnerRow, columns: list[Column]) -> Markup:
        return Markup("".join(self.cell(row.cells[(c.kind, c.key)]) for c in columns))  # noqa: S704 - every dynamic part escaped above
