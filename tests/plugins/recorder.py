"""A test plugin that records which tenants its per-tenant hooks were called for."""

from core.api import MenuItem, PluginInfo, Widget, hookimpl

plugin_info = PluginInfo(name="recorder", version="0.1", title="Recorder", description="Test plugin.")

calls: list[tuple[str, str]] = []


@hookimpl
def menu_items(tenant, user):
    calls.append(("menu_items", tenant.slug))
    return [MenuItem("Recorder menu", "web.dashboard", order=1)] if user is not None else []


@hookimpl
def dashboard_widgets(tenant, user):
    calls.append(("dashboard_widgets", tenant.slug))
    return [Widget("Recorder widget", "<p>recorded</p>")]


@hookimpl
def on_plugin_enabled(tenant, settings):
    calls.append(("on_plugin_enabled", tenant.slug))


@hookimpl
def on_plugin_disabled(tenant):
    calls.append(("on_plugin_disabled", tenant.slug))
