"""Core's own jobs."""

from __future__ import annotations

from datetime import datetime

from core.jobs.background import RUN_JOB, run_waiting
from core.mail.outbox import DELIVER_JOB, deliver_due
from core.plugins.markers import hookimpl
from core.plugins.types import Job


def deliver_mail(now: datetime) -> dict[str, int]:
    """Deliver the outbox (retries included)."""
    return deliver_due(now=now)


@hookimpl(trylast=True)
def register_jobs() -> list[Job]:
    return [
        Job(DELIVER_JOB, deliver_mail, every_seconds=10),
        Job(RUN_JOB, run_waiting, every_seconds=5),  # what a queue outage left waiting; normally started at once
    ]
