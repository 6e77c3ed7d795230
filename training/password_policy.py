"""Which new passwords are refused: too short or long, too common, or made of the owner's details.

Contract: :func:`password_problem` returns ``None`` for an acceptable password, else the message
to show (in the current language). It never raises and never looks at the database.

- Length: 8 to 128 characters (``training.passwords``); spaces and every character allowed, so
  passphrases work (ASVS 5.0, V6.2).
- Common: the 10,000 most common passwords of the list shipped by the ``zxcvbn`` package
  (MIT licence; its ``passwords`` frequency list is ranked from Mark Burnett's / xato's
  10-million password corpus), compared case-insensitively, so ``Password1`` is refused
  like ``password1``.
- Personal: the password may not contain the email address, its part before the ``@`` (3+
  characters), the display or full name, or any word of 4+ letters of those names, compared
  case- and accent-insensitively.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from flask_babel import gettext as _

from training.passwords import MAX_LENGTH, MIN_LENGTH

COMMON_COUNT = 10_000
MIN_PERSONAL_PART = 3
MIN_NAME_WORD = 4


@cache
def common_passwords() -> frozenset[str]:
    """The 10,000 most common passwords, lower case (loaded once per process)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"][:COMMON_COUNT])


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: ``Élodie`` → ``elodie``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _personal_parts(email: str | None, names: Iterable[str]) -> set[str]:
    parts: set[str] = set()
    if email:
        folded = _fold(email.strip())
        parts.add(folded)
        local = folded.partition("@")[0]
        if len(local) >= MIN_PERSONAL_PART:
            parts.add(local)
    for name in names:
        folded = _fold(name or "")
        joined = re.sub(r"\W+", "", folded)
        if len(joined) >= MIN_PERSONAL_PART:
            parts.add(joined)
        parts.update(w for w in re.split(r"\W+", folded) if len(w) >= MIN_NAME_WORD)
    return parts


def password_problem(
    password: str, *, email: str | None = None, names: Iterable[str] = ()
) -> str | None:
    """Why ``password`` is refused for this account, or ``None`` (see the module contract)."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return _(
            "Passwords must be %(min)d to %(max)d characters long.", min=MIN_LENGTH, max=MAX_LENGTH
        )
    if password.lower() in common_passwords() or password.strip().lower() in common_passwords():
        return _(
            "This password is among the 10,000 most used ones, which attackers try first. "
            "Choose another: a few unrelated words make a strong, memorable password."
        )
    folded = re.sub(r"\s+", "", _fold(password))
    if any(part in folded for part in _personal_parts(email, names)):
        return _("Your password must not contain your email address or your name.")
    return None
