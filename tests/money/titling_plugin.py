"""A test plugin that titles its own kind of money operation ("bonus") through ``operation_title``."""

from core.api import PluginInfo, hookimpl

plugin_info = PluginInfo(name="titling", version="0.1", title="Titling", description="Test plugin.")


@hookimpl
def operation_title(tenant, operation):
    if operation.kind == "bonus":
        return f"Бонус за {operation.meta.get('reason', '')}"
    return None
