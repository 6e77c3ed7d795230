"""Server-side histograms: binning, scale and the accessible SVG they become."""

from __future__ import annotations

from cohorts.charts import BINS, bin_counts, histogram


def test_bins_cover_0_to_100_with_100_on_its_own():
    assert bin_counts([0, 19.9, 20, 59.5, 80, 99.9, 100, 100]) == [2, 1, 1, 0, 2, 2]
    assert len(BINS) == 6


def test_bar_heights_are_proportional_and_ticks_reach_the_peak():
    chart = histogram("c", "Title", "Summary", [10, 10, 10, 50, 100])
    heights = {bar.label: bar.height for bar in chart.bars}
    assert abs(heights["0–19%"] - 3 * heights["40–59%"]) < 0.5 and heights["40–59%"] > 0
    assert heights["20–39%"] == 0
    assert chart.ticks[-1].value >= 3 and chart.total == 5
    assert all(abs(bar.y + bar.height - chart.baseline) < 0.2 for bar in chart.bars)


def test_empty_chart_draws_without_dividing_by_zero():
    chart = histogram("c", "Title", "Summary", [])
    assert chart.total == 0 and all(bar.height == 0 for bar in chart.bars)


def test_the_svg_is_labelled_and_has_a_data_table(client, login, trainer, cohort, member):
    member()
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-progress-title chart-progress-desc"' in svg
    assert '<desc id="chart-progress-desc">' in svg and "0–19%: 1" in svg
    assert 'style="' not in page  # the CSP forbids inline styles
    assert "Data table: Progress distribution" in page
