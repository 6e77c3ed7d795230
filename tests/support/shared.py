"""Where the team's shared folder is: ``../shared`` beside the checkout (also from a git
worktree one level deeper), or ``PASSERELLE_SHARED``."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    if os.environ.get("PASSERELLE_SHARED"):
        return Path(os.environ["PASSERELLE_SHARED"])
    for parent in ROOT.parents:
        if (parent / "shared" / "fixtures").is_dir():
            return parent / "shared"
    return ROOT.parent / "shared"


GIFT_FIXTURES = shared_dir() / "fixtures" / "gift"
