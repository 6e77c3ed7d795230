"""Which characters a name may hold, and how any text is cleaned before it is printed.

Pure (``unicodedata`` only), so forms, services, the CSV import and the PDF renderer share it.

Contract:

- :func:`unsafe_characters` lists the characters of ``text`` that a name may not hold: control
  characters (C0 and C1, tab and newlines included), invisible formatting characters (Unicode
  category Cf: the bidirectional overrides and isolates such as U+202E, zero-width spaces,
  the byte-order mark, tag characters…), line and paragraph separators, surrogates, private-use
  and unassigned code points, and the 66 non-characters (U+FDD0–U+FDEF and every U+xFFFE and
  U+xFFFF). The zero-width joiner and non-joiner (U+200C, U+200D) stay allowed: Persian,
  Indic scripts and emoji need them.
- :func:`clean_name` is what a valid name is stored as: NFC, spaces collapsed, trimmed. It
  raises :class:`UnsafeText` (message safe to show, in the user's language) when
  :func:`unsafe_characters` finds anything.
- :func:`printable` is for text that was stored before these rules, or comes from files
  (course titles): the same characters are removed (whitespace controls become spaces), then
  NFC and collapsed spaces. What it returns is valid XML 1.0 character data and never makes
  the PDF/A metadata (XMP) invalid. It never raises.
- :func:`unprintable_characters` lists the characters that the certificate's bundled fonts
  (``static/fonts``, every style) cannot draw: a full name, which certificates print exactly as
  written, may hold none of them (Latin, Greek and Cyrillic letters are covered). Drawing a
  missing glyph would print an empty box and break PDF/A (no ``.notdef`` glyph may be used).
  :func:`fit_to_fonts` is the last step before printing any text: a missing character becomes
  its decomposition when the fonts have it (``ǅ`` → ``Dž``), a missing mark or joiner is
  dropped, anything else prints as ``?``. It never raises.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

FONTS_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
#: Every font a certificate prints with (see static/certificates/print.css).
PRINT_FONTS = ("EBGaramond12-Regular.otf", "EBGaramond12-Italic.otf", "Lato-Regular.ttf")

#: Cf characters that some scripts need (ZWNJ, ZWJ).
ALLOWED_FORMAT = frozenset({"\u200c", "\u200d"})
#: General categories refused in names (see the module docstring).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})

MESSAGE = _l(
    "Names cannot contain control characters, invisible formatting characters (such as "
    "text-direction marks) or non-characters. Please type the name again."
)
UNPRINTABLE_MESSAGE = _l(
    "Certificates cannot print these characters: %(chars)s. Please write the name in Latin, "
    "Greek or Cyrillic letters."
)


class UnsafeText(ValueError):
    """A name holds a character it may not; ``str()`` is the message to show."""


def is_noncharacter(char: str) -> bool:
    point = ord(char)
    return 0xFDD0 <= point <= 0xFDEF or (point & 0xFFFE) == 0xFFFE


def is_unsafe(char: str) -> bool:
    if char in ALLOWED_FORMAT:
        return False
    return unicodedata.category(char) in REFUSED_CATEGORIES or is_noncharacter(char)


def unsafe_characters(text: str) -> list[str]:
    """The refused characters of ``text``, in order, each once."""
    found: list[str] = []
    for char in text:
        if is_unsafe(char) and char not in found:
            found.append(char)
    return found


def describe(chars: list[str]) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE, U+0000`` (for logs and CLI messages)."""
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '')}".strip() for c in chars)


def _collapse(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def clean_name(text: str) -> str:
    """The name as stored (NFC, single spaces, trimmed), or :class:`UnsafeText`."""
    if unsafe_characters(text):
        raise UnsafeText(str(MESSAGE))
    return _collapse(text)


def printable(text: str) -> str:
    """``text`` without the refused characters (whitespace controls become spaces)."""
    kept = []
    for char in text:
        if char in "\t\n\r\v\f\x85\u2028\u2029":
            kept.append(" ")
        elif not is_unsafe(char):
            kept.append(char)
    return _collapse("".join(kept))


@cache
def print_coverage() -> frozenset[int]:
    """The code points that every certificate font can draw (read once from the font files)."""
    from fontTools.ttLib import TTFont

    tables = [set(TTFont(FONTS_DIR / name).getBestCmap()) for name in PRINT_FONTS]
    return frozenset(set.intersection(*tables))


def unprintable_characters(text: str) -> list[str]:
    """The characters of ``text`` the certificate fonts cannot draw, in order, each once."""
    coverage = print_coverage()
    found: list[str] = []
    for char in text:
        if ord(char) not in coverage and not char.isspace() and char not in found:
            found.append(char)
    return found


def unprintable_message(chars: list[str]) -> str:
    return str(UNPRINTABLE_MESSAGE % {"chars": " ".join(chars)})


def fit_to_fonts(text: str) -> str:
    """``text`` with only characters the certificate fonts draw (see the module docstring)."""
    coverage = print_coverage()
    out: list[str] = []
    for char in text:
        if ord(char) in coverage or char == " ":
            out.append(char)
            continue
        parts = unicodedata.normalize("NFKD", char)
        if parts != char and all(ord(p) in coverage for p in parts):
            out.append(parts)
        elif unicodedata.category(char)[0] == "M" or char in ALLOWED_FORMAT:
            continue
        else:
            out.append("?")
    return unicodedata.normalize("NFC", "".join(out))
