"""Identity's periodic jobs (registered with core's jobs in :mod:`core.jobs.hooks`)."""

from __future__ import annotations

from datetime import datetime

from core.db import session
from core.identity import throttle


def housekeeping(now: datetime) -> dict[str, int]:
    """Delete throttle counters nobody needs any more. Idempotent."""
    pruned = throttle.prune(now)
    session.commit()
    return {"pruned": pruned}
