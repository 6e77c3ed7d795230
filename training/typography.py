"""French typography for short texts printed as they were written (role-play dialogue lines).

French sets a no-break space before ``?``, ``!`` and ``;`` (a narrow one, U+202F), a no-break
space before ``:`` (U+00A0) and narrow no-break spaces inside guillemets: « Enfin… ». Authors
type ordinary spaces, or none; :func:`french_spacing` puts the right ones, so a line never
breaks before its ``?`` and a speaker reads ``Mme Diallo :`` rather than ``Mme Diallo:``.

:func:`quote` wraps a line in the language's quotation marks (« … » in French, “…” otherwise).
A colon between digits (``15:30``) and ``://`` are left alone. Never raises; returns plain text
(autoescaping still applies when printed).
"""

from __future__ import annotations

import re

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"

_BEFORE_TALL = re.compile(r"(?<=[^\s«(\[])[ \t\u00a0\u202f]*([?!;]+)")
_BEFORE_COLON = re.compile(r"(?<=[^\s«(\[\d])[ \t\u00a0\u202f]*:(?=\s|$)")
_AFTER_OPEN = re.compile(r"«[ \t\u00a0\u202f]*")
_BEFORE_CLOSE = re.compile(r"[ \t\u00a0\u202f]*»")


def french_spacing(text: str) -> str:
    """``"Vous comprenez ?"`` → ``"Vous comprenez\u202f?"``;
    ``"«Enfin»"`` → ``"«\u202fEnfin\u202f»"``."""
    text = _BEFORE_TALL.sub(lambda m: NARROW_NBSP + m.group(1), text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _AFTER_OPEN.sub("«" + NARROW_NBSP, text)
    return _BEFORE_CLOSE.sub(NARROW_NBSP + "»", text)


def quote(text: str, language: str) -> str:
    """The line in quotation marks: ``« Enfin… »`` (narrow no-break spaces) or ``“Finally…”``."""
    if language == "fr":
        return french_spacing("«" + text + "»")
    return "\u201c" + text + "\u201d"


def speaker(name: str, language: str) -> str:
    """``Mme Diallo\u00a0:`` in French, ``Mrs Diallo:`` otherwise."""
    return name + (NBSP + ":" if language == "fr" else ":")


def colon(language: str) -> str:
    """What follows a label in the interface: ``"\u00a0: "`` in French, ``": "`` otherwise (in
    templates ``{{ _("Email") }}{{ colon() }}``, never a bare ``: `` after an expression)."""
    return NBSP + ": " if language == "fr" else ": "
