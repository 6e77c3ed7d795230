"""The certificate's lists cut into columns (certificates/print_columns.py), as the CSS
multi-column balancing did before: tallest column as short as can be, order kept."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from certificates.pdf import render_certificate_html
from certificates.print_columns import balanced_columns
from tests.certificates.test_pdf import MODULES, VERIFY_BASE, make_snapshot, render, text_of


def sizes(columns: list[list[str]]) -> list[int]:
    return [len(column) for column in columns]


def test_equal_items_are_shared_out_the_first_columns_taking_the_extra() -> None:
    assert sizes(balanced_columns(["x"] * 9, 3, 40)) == [3, 3, 3]
    assert sizes(balanced_columns(["x"] * 10, 3, 40)) == [4, 3, 3]
    assert sizes(balanced_columns(["x"] * 11, 3, 40)) == [4, 4, 3]
    assert sizes(balanced_columns(["x"] * 7, 2, 20)) == [4, 3]


def test_an_item_that_wraps_counts_for_its_lines() -> None:
    # 30 characters at 20 a line is two lines: 2+1+1 | 1+1+1+1 is the balance.
    items = ["x" * 30, "a", "b", "c", "d", "e", "f"]
    assert balanced_columns(items, 2, 20) == [items[:3], items[3:]]
    assert sizes(balanced_columns(["x" * 100, "a", "b", "c"], 2, 20)) == [1, 3]


def test_fewer_items_than_columns_leave_no_empty_column() -> None:
    assert balanced_columns(["a", "b"], 3, 40) == [["a"], ["b"]]
    assert balanced_columns([], 3, 40) == []


@given(
    st.lists(st.text(min_size=1, max_size=90), max_size=24),
    st.integers(min_value=1, max_value=3),
)
def test_the_columns_hold_every_item_once_in_order(items: list[str], count: int) -> None:
    columns = balanced_columns(items, count, 30)
    assert [item for column in columns for item in column] == items
    assert len(columns) == min(count, len(items))
    assert all(columns)


def test_the_certificate_prints_one_list_per_column_numbered_on() -> None:
    """Nine modules in three lists of three; the numbers run on across them (one CSS counter
    for all), so the printed numbers are 01 to 09, not three times 01 to 03."""
    snapshot = make_snapshot()
    html = render_certificate_html(snapshot, VERIFY_BASE + snapshot.code, "Passerelle", None)
    modules = html[html.index('class="modules"') : html.index('class="competencies"')]
    lists = re.findall(r"<ol>(.*?)</ol>", modules, re.S)
    assert [len(re.findall("<li>", part)) for part in lists] == [3, 3, 3]
    assert re.findall(r"<li>(.*?)</li>", modules) == MODULES
    competencies = html[html.index('class="competencies"') :]
    assert len(re.findall(r"<ul>", competencies)) == 2


def test_the_printed_numbers_run_on_from_column_to_column() -> None:
    text = text_of(render(make_snapshot(), pdfa=False))
    for number, module in enumerate(MODULES, start=1):
        assert re.search(rf"{re.escape(module)}\s*{number:02d}", text), (module, text)
