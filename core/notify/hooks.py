"""Core's notification kinds, registered like a plugin's, and the job that announces published news."""

from datetime import datetime

from core.notify.kinds import CORE_KINDS
from core.plugins.markers import hookimpl
from core.plugins.types import Job


@hookimpl(trylast=True)
def register_notification_kinds():
    return list(CORE_KINDS)


def announce_news(now: datetime) -> dict[str, int]:
    """Notify each news item's audience once it is published (scheduled items at their time)."""
    from core.news.service import announce_due

    return announce_due(now)


@hookimpl(trylast=True)
def register_jobs() -> list[Job]:
    return [Job("core.news.notify", announce_news, every_seconds=60)]
