"""Core's notification kinds, registered like a plugin's."""

from core.notify.kinds import CORE_KINDS
from core.plugins.markers import hookimpl


@hookimpl(trylast=True)
def register_notification_kinds():
    return list(CORE_KINDS)
