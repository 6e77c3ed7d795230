"""How long text is set on the printed certificate and block attestation: a size step by length
(``size_class``, the CSS classes ``size-l`` … ``size-xxs`` of print.css) and a title that must
wrap cut into two even lines (``balanced_lines``)."""

from __future__ import annotations

#: About how many characters of the title fit one line at each size (uppercase, tracked).
TITLE_LINE_CHARS = {"l": 28, "m": 36, "s": 46, "xs": 58, "xxs": 72}


def balanced_lines(text: str, line_chars: int) -> list[str]:
    """``text`` as printed: as is, unless its natural wrap (about ``line_chars`` a line) would
    leave a short second line; then two lines, cut after a dash if one fits, else evenly. A
    long title reads "CAP PREPARATION COURSE — / PREVENTION AND MEDIATION AGENT", not a full
    line and one word."""
    if len(text) <= line_chars or len(text) > 2 * line_chars:
        return [text]
    spaces = [i for i, char in enumerate(text) if char == " "]
    natural = max((i for i in spaces if i <= line_chars), default=None)
    if natural is None or len(text) - natural - 1 >= line_chars // 2:
        return [text]
    fitting = [i for i in spaces if i <= line_chars and len(text) - i - 1 <= line_chars]
    if not fitting:
        return [text]
    cut = min(fitting, key=lambda i: (text[i - 1] != "—", abs(len(text) - 2 * i - 1)))
    return [text[:cut], text[cut + 1 :]]


def size_class(text: str, limits: tuple[int, int, int, int]) -> str:
    """A size step for long text (``l`` … ``xxs``, see print.css), so it stays on one page."""
    for size, limit in zip(("l", "m", "s", "xs"), limits, strict=True):
        if len(text) <= limit:
            return size
    return "xxs"
