"""Collecting notification kinds at start-up."""

from __future__ import annotations

from core.notify.kinds import NotificationKind
from core.plugins.collect import collect
from core.plugins.manager import PluginHost


def build_kinds(host: PluginHost) -> dict[str, NotificationKind]:
    """Every notification kind the plugins register, by code."""
    hook = host.hook.register_notification_kinds
    found = collect(host, hook, NotificationKind, key=lambda kind: kind.code, what="notification kind")
    return {code: contributed.value for code, contributed in found.items()}
