"""Collecting notification kinds at start-up."""

from __future__ import annotations

from core.notify.kinds import NotificationKind
from core.plugins.manager import PluginHost


def build_kinds(host: PluginHost) -> dict[str, NotificationKind]:
    found: dict[str, NotificationKind] = {}
    for plugin_name, returned in host.call_each("register_notification_kinds"):
        for kind in returned or []:
            if kind.code in found:
                raise ValueError(f"notification kind {kind.code!r} registered twice (again by {plugin_name})")
            found[kind.code] = kind
    return found
