"""The daily retention task: applies every retention period once a day across all workers."""

from __future__ import annotations

import logging
from datetime import datetime

from privacy import retention
from training import queue
from training.timeutil import utcnow

log = logging.getLogger("passerelle.retention")
TASK = "retention.daily"


@queue.periodic(TASK, minute="30", hour="3")
def daily(now: datetime | None = None) -> dict[str, int]:
    """Apply the retention policies (``privacy.retention.apply``) once per day; returns how
    many rows each policy removed (empty when another worker had the day already)."""
    now = now or utcnow()
    if not queue.claim_period(TASK, now.date().isoformat()):
        return {}
    done = {planned.policy.name: count for planned, count in retention.apply(now)}
    log.info("Retention applied: %s", done)
    return done
