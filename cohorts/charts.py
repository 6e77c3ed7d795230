"""Histograms as HTML bar charts (no JavaScript, no inline style).

``histogram`` returns the bands with their counts and the share of the scale each bar fills;
the macro ``histogram`` in ``cohorts/_macros.html`` draws them as a table: one row per band,
the band's label (the vertical axis) and the count in real text, the bar a tiny SVG whose
``<rect>`` width is a percentage (an attribute, which the CSP allows, unlike ``style``).
The text is HTML, so it keeps the page's font size at any width: a chart drawn as one scaled
SVG shrank its labels to about 5 px on a 360 px screen. The horizontal axis (learners) has
tick labels under the bars; the table itself is the data table for screen readers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from training.numbers import format_number, format_percent


@dataclass(frozen=True)
class Bar:
    label: str  # "40–59%" (the locale's percent pattern)
    count: int
    share: float  # percent of the scale's top (the bar's width)


@dataclass(frozen=True)
class Histogram:
    id: str
    title: str
    summary: str
    band_axis: str  # the label of the bands' axis, e.g. "Progress (band of 20 %)"
    count_axis: str  # the label of the counts' axis, e.g. "Learners"
    bars: list[Bar]
    ticks: list[int]  # evenly spaced, from 0 to the scale's top
    total: int

    @property
    def top(self) -> int:
        return self.ticks[-1] or 1


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


def bin_of(value: float) -> int:
    """The index of the band a percentage falls in (below 0 counts as 0, above 100 as 100)."""
    for i, (low, high, _label) in enumerate(BINS):
        if low <= value < high:
            return i
    return 0 if value < 0 else len(BINS) - 1


def bin_counts(values: Iterable[float]) -> list[int]:
    counts = [0] * len(BINS)
    for value in values:
        counts[bin_of(value)] += 1
    return counts


def ticks_for(peak: int) -> list[int]:
    """Up to six evenly spaced ticks, 0 to a round top at or above ``peak``, in steps of 1, 2,
    2.5 or 5 times a power of ten (113 → 0, 25, …, 125)."""
    if peak <= 5:
        return list(range(0, max(peak, 1) + 1))
    rough = peak / 5
    magnitude = 10 ** (len(str(int(rough))) - 1)
    factors = (1, 2, 5, 10) if magnitude == 1 else (1, 2, 2.5, 5, 10)
    step = int(next(m * magnitude for m in factors if m * magnitude >= rough))
    top = -(-peak // step) * step
    return list(range(0, top + 1, step))


def histogram(
    chart_id: str, title: str, summary: str, counts: list[int], band_axis: str, count_axis: str
) -> Histogram:
    """A chart of ``counts`` per band of ``BINS`` (``bin_counts`` makes them from values)."""
    if len(counts) != len(BINS):
        raise ValueError(f"{len(BINS)} counts expected, got {len(counts)}")
    ticks = ticks_for(max(counts))
    top = ticks[-1] or 1
    bars = [
        Bar(band_label(low, high), count, round(100.0 * count / top, 1))
        for (low, high, _label), count in zip(BINS, counts, strict=True)
    ]
    return Histogram(chart_id, title, summary, band_axis, count_axis, bars, ticks, sum(counts))
