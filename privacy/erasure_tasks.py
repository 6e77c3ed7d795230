"""The periodic erasure task: every hour, erase the accounts whose grace period has ended.

Once per hour across workers (``training.queue.claim_period``); a plain function, so tests and
the CLI call :func:`erase_due` directly.
"""

from __future__ import annotations

from datetime import datetime

from privacy import erasure
from training import queue
from training.timeutil import utcnow

TASK = "privacy.erasures"


@queue.periodic(TASK, minute="17")
def erase_due(now: datetime | None = None) -> int:
    """Run the due erasures once for this hour; returns how many accounts were erased."""
    now = now or utcnow()
    if not queue.claim_period(TASK, now.strftime("%Y-%m-%dT%H")):
        return 0
    return len(erasure.run_due(now))
