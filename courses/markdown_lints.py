"""What module Markdown still renders differently from CommonMark: each a warning naming the
line and the fix (pure).

``training.markdown`` makes Python-Markdown follow CommonMark where authors are surprised most
(lists after a paragraph, two-space nesting, ``1)`` lists, fences in list items, backslash line
breaks). One difference is left, because pymdownx.escapeall gives us the backslash line break:
a backslash escapes *any* character here, while CommonMark escapes only ASCII punctuation and
shows the backslash before anything else (``C:\\Users`` shows as ``C:Users`` here).
"""

from __future__ import annotations

import re
import string

from training.content_source import Problem

_FENCE = re.compile(r"^ *(```|~~~)")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_ESCAPABLE = set(string.punctuation)


def lint_markdown(path: str, text: str, first_line: int = 1) -> list[Problem]:
    """Warnings for ``text`` (a module body starting at ``first_line`` of the file ``path``)."""
    found: list[Problem] = []
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=first_line):
        opener = _FENCE.match(line)
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        if opener:
            fence = opener.group(1)
            continue
        if line.startswith("    ") and not line.lstrip().startswith(("-", "*", "+")):
            continue  # possibly an indented code block: shown as written
        prose = _CODE_SPAN.sub("", line)
        for match in re.finditer(r"\\(.)", prose):
            char = match.group(1)
            if char in _ESCAPABLE:
                continue
            found.append(
                Problem(
                    path,
                    number,
                    f"warning: the backslash before {char!r} is dropped here (CommonMark would "
                    f"show it): write \\\\{char} to show a backslash, or remove it",
                )
            )
            break
    return found
