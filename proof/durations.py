"""Durations for people: ``3 h 05 min`` (measured time is shown to the minute, rounded down)."""

from __future__ import annotations

from flask import Flask


def format_duration(seconds: float | None) -> str:
    """``1 h 05 min``, ``12 min``, ``0 min``; ``—`` for None. The same in French and English."""
    if seconds is None:
        return "—"
    minutes = int(max(seconds, 0) // 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def hours_decimal(seconds: float | None) -> float:
    """Measured hours with two decimals (exports: a number a spreadsheet can add)."""
    return round((seconds or 0) / 3600, 2)


def init_durations(app: Flask) -> None:
    app.add_template_filter(format_duration, "duration")
