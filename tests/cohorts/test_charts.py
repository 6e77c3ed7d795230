"""Histograms: binning, scale, and the HTML bar chart they become (title, axis labels, text)."""

from __future__ import annotations

import re

import pytest

from cohorts.charts import BINS, bin_counts, histogram


def test_bins_cover_0_to_100_with_100_on_its_own():
    assert bin_counts([0, 19.9, 20, 59.5, 80, 99.9, 100, 100]) == [2, 1, 1, 0, 2, 2]
    assert len(BINS) == 6


def test_bar_widths_are_proportional_and_ticks_reach_the_peak():
    chart = histogram("c", "Title", "Summary", bin_counts([10, 10, 10, 50, 100]), "Band", "N")
    shares = {bar.label: bar.share for bar in chart.bars}
    assert shares["0–19%"] == 100.0 and abs(shares["0–19%"] - 3 * shares["40–59%"]) < 0.2
    assert shares["20–39%"] == 0
    assert chart.ticks == [0, 1, 2, 3] and chart.total == 5


def test_empty_chart_draws_without_dividing_by_zero():
    chart = histogram("c", "Title", "Summary", [0] * len(BINS), "Band", "N")
    assert chart.total == 0 and all(bar.share == 0 for bar in chart.bars)
    with pytest.raises(ValueError):
        histogram("c", "Title", "Summary", [1, 2], "Band", "N")


def test_the_chart_has_a_visible_title_axis_labels_and_text(client, login, trainer, cohort, member):
    member()
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    figure = page[page.index('<figure class="chart" aria-labelledby="chart-progress-title">') :]
    figure = figure[: figure.index("</figure>")]
    assert '<h3 id="chart-progress-title" class="chart-title">Progress distribution</h3>' in figure
    assert '<th scope="col" class="band-axis">Requirements met</th>' in figure
    assert '<th scope="col" class="count-axis">Number of learners</th>' in figure
    # one learner, no progress: the first band holds them, as text and as a full-width bar
    assert re.search(
        r'<th scope="row">0–19%</th><td class="bar-cell"><span class="bar-count">1<', figure
    )
    # Labels are HTML text; the tick labels' SVG has no viewBox, so nothing scales them down
    # (the old charts' 5 px numbers); the browser journey measures them at 360 px.
    assert '<rect width="100.0%"' in figure and "viewbox" not in figure.lower()
    assert 'style="' not in page  # the CSP forbids inline styles


def test_the_ticks_sit_where_the_bars_scale_puts_them(client, login, trainer, cohort, member):
    """Each tick label is centred on its share of the scale's top, the scale the bars use: a
    bar of the top count ends under the last tick, and 0 sits at the bars' origin."""
    member()
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    figure = page[page.index('aria-labelledby="chart-progress-title"') :]
    figure = figure[: figure.index("</figure>")]
    ticks = [
        (float(x), int(label))
        for x, label in re.findall(r'<text x="([\d.]+)%"[^>]*>(\d+)</text>', figure)
    ]
    assert len(ticks) >= 2 and ticks[0] == (0.0, 0)
    top = ticks[-1][1]
    for x, value in ticks:
        assert abs(x - 100 * value / top) < 0.01
    widths = [float(w) for w in re.findall(r'<rect width="([\d.]+)%"', figure)]
    assert max(widths) == 100 * 1 / top  # one learner in one band
