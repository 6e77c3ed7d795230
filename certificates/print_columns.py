"""Lists printed in columns on the certificate, split here rather than by CSS.

WeasyPrint's multi-column layout (``columns: 3``) balances the columns by laying the list out
again and again: on the certificate it was a quarter of each render. The template prints one
list per column instead; this module chooses where each column starts, so that the tallest
column is as short as it can be, as the balancing did. A line's height is estimated from the
item's length (the printed width of a column holds about ``chars_per_line`` characters).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import combinations
from typing import Any

#: About how many characters fit on one printed line of a column, by the syllabus's size
#: (``certificates.print_fit.SYLLABUS_LEVELS``): 7.8 pt, "dense" 6.6 pt, "compact" 5.8 pt (measured
#: on the certificate: ~5.4 px a character at 110 dpi, 7.8 pt Lato; the smaller sizes scaled).
# (on page 2, "annex" prints the modules in two columns at 9 pt)
MODULE_CHARS_PER_LINE = {"": 40, "dense": 47, "compact": 53, "annex": 66}  # a third, less the №
COMPETENCY_CHARS_PER_LINE = {"": 19, "dense": 23, "compact": 25, "annex": 19}  # a half, less ◆


def balanced_columns(items: Sequence[str], columns: int, chars_per_line: int) -> list[list[str]]:
    """``items`` in order, cut into at most ``columns`` non-empty runs whose tallest run (in
    estimated lines) is as short as possible; earlier runs are the longer on a tie."""
    if not items:
        return []
    heights = [max(1, -(-len(item) // chars_per_line)) for item in items]
    count = min(columns, len(items))
    return [list(items[start:end]) for start, end in _best_cuts(tuple(heights), count)]


@lru_cache(maxsize=128)  # one entry per course edition and density, in practice
def _best_cuts(heights: tuple[int, ...], count: int) -> tuple[tuple[int, int], ...]:
    best: tuple[Any, tuple[tuple[int, int], ...]] | None = None
    for cuts in combinations(range(1, len(heights)), count - 1):
        bounds = tuple(zip((0, *cuts), (*cuts, len(heights)), strict=True))
        tallest = tuple(sorted((sum(heights[a:b]) for a, b in bounds), reverse=True))
        # Shortest tallest column first; then earlier columns at least as long as later ones.
        key = (tallest, tuple(-(b - a) for a, b in bounds))
        if best is None or key < best[0]:
            best = (key, bounds)
    assert best is not None
    return best[1]
