"""How identity plugs into core: its jobs (reset mail from the queue, pruning the login counters)."""

from __future__ import annotations

from core.identity.jobs import housekeeping, reset_mail
from core.plugins.markers import hookimpl
from core.plugins.types import Job


@hookimpl
def register_jobs() -> list[Job]:
    """Identity's periodic work: reset requests become mail; old login counters are pruned."""
    return [
        Job("core.identity.reset_mail", reset_mail, every_seconds=5),
        Job("core.identity.housekeeping", housekeeping, every_seconds=600),
    ]
