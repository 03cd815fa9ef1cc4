"""A test plugin offering a news audience (subscribers of a tariff) and a notification kind of its own.

A user's tariff is written in brackets at the end of their full name: ``"Иванов [basic]"``.
"""

from core.api import Audience, NotificationKind, PluginInfo, hookimpl

plugin_info = PluginInfo(name="tariffs", version="0.1", title="Tariffs", description="Test plugin.")

TARIFFS = [("basic", "Basic"), ("max", "Maximum")]


def tariff_of(user) -> str:
    name = user.full_name or ""
    return name[name.rfind("[") + 1 : -1] if name.endswith("]") and "[" in name else ""


@hookimpl
def news_audiences(tenant):
    return [Audience("tariff", "Tariff", TARIFFS, includes=lambda user, value: tariff_of(user) == value)]


@hookimpl
def register_notification_kinds():
    return [NotificationKind("tariff_changed", "Tariff changed")]
