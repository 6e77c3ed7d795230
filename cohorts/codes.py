"""Join codes: short, readable, unguessable enough behind a rate limit."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L, 5/S, 2/Z or U/V pairs: codes are read aloud and copied from a whiteboard.
ALPHABET = "ABCDEFGHJKMNPQRTWXY346789"
LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(raw: str) -> str:
    """What a learner typed (any case, spaces or dashes) → the stored form."""
    return re.sub(r"[\s\-]", "", raw or "").upper()[:32]


def display_code(code: str) -> str:
    """ABCD-EFGH: easier to read out than eight letters in a row."""
    return f"{code[:4]}-{code[4:]}" if len(code) == LENGTH else code
