"""Building the app's access registry from every plugin's ``register_permissions``/``register_roles``."""

from __future__ import annotations

from core.access.registry import AccessRegistry
from core.plugins.manager import CORE_PREFIX, PluginHost


def _source(plugin_name: str) -> str:
    return "core" if plugin_name.startswith(CORE_PREFIX) else plugin_name


def build_registry(host: PluginHost) -> AccessRegistry:
    registry = AccessRegistry()
    for plugin_name, permissions in host.call_each("register_permissions"):
        for permission in permissions or []:
            registry.add_permission(permission, _source(plugin_name))
    for plugin_name, roles in host.call_each("register_roles"):
        for role in roles or []:
            registry.add_role(role, _source(plugin_name))
    return registry
