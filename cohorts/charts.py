"""Histograms drawn on the server as SVG geometry (no JavaScript, no inline style).

``histogram`` returns the bars with their coordinates and labels; the template
``cohorts/_histogram.html`` draws them with ``role="img"``, a ``<title>``, a ``<desc>`` and a
data table, so the chart reads the same with a screen reader or without colour.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from training.numbers import format_number, format_percent

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 40
MARGIN_BOTTOM = 48
MARGIN_TOP = 16
PLOT_W = WIDTH - MARGIN_LEFT - 10
PLOT_H = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP


@dataclass(frozen=True)
class Bar:
    label: str  # "40–59%" (the locale's percent pattern)
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Histogram:
    id: str
    title: str
    summary: str
    bars: list[Bar]
    ticks: list[Tick]
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = MARGIN_LEFT
    baseline: int = HEIGHT - MARGIN_BOTTOM


BINS: tuple[tuple[float, float, str], ...] = (
    (0, 20, "0–19"),
    (20, 40, "20–39"),
    (40, 60, "40–59"),
    (60, 80, "60–79"),
    (80, 100, "80–99"),
    (100, 100.01, "100"),
)
"""Bands of 20 %; each label is printed as a percentage in the reader's locale
(``band_label``: ``0–19%``, ``0–19 %`` in French)."""


def band_label(low: float, high: float) -> str:
    """A band as the locale writes percentages: ``20–39%`` (``20–39 %`` in French)."""
    if high > 100:
        return format_percent(100)
    return format_percent(high - 1).replace(format_number(high - 1), f"{low:g}–{high - 1:g}", 1)


def bin_counts(values: Iterable[float]) -> list[int]:
    counts = [0] * len(BINS)
    for value in values:
        for i, (low, high, _label) in enumerate(BINS):
            if low <= value < high or (i == len(BINS) - 1 and value >= 100):
                counts[i] += 1
                break
    return counts


def _ticks(peak: int) -> list[int]:
    if peak <= 5:
        return list(range(0, max(peak, 1) + 1))
    step = max(1, -(-peak // 5))
    return list(range(0, peak + step, step))


def histogram(chart_id: str, title: str, summary: str, values: Iterable[float]) -> Histogram:
    counts = bin_counts(values)
    ticks = _ticks(max(counts))
    top = ticks[-1] or 1
    slot = PLOT_W / len(BINS)
    baseline = HEIGHT - MARGIN_BOTTOM
    bars = []
    for i, ((low, high, _label), count) in enumerate(zip(BINS, counts, strict=True)):
        height = PLOT_H * count / top
        bars.append(
            Bar(
                label=band_label(low, high),
                count=count,
                x=round(MARGIN_LEFT + i * slot + slot * 0.15, 1),
                y=round(baseline - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
            )
        )
    return Histogram(
        id=chart_id,
        title=title,
        summary=summary,
        bars=bars,
        ticks=[Tick(t, round(baseline - PLOT_H * t / top, 1)) for t in ticks],
        total=sum(counts),
    )
