"""Building the app's access registry from every plugin's ``register_permissions``/``register_roles``."""

from __future__ import annotations

from core.access.registry import AccessRegistry
from core.plugins.collect import collect
from core.plugins.manager import PluginHost
from core.plugins.types import Permission, RoleSpec


def build_registry(host: PluginHost) -> AccessRegistry:
    registry = AccessRegistry()
    permissions = collect(host, host.hook.register_permissions, Permission, key=lambda p: p.name, what="permission")
    for contributed in permissions.values():
        registry.add_permission(contributed.value, contributed.source)
    for contributed in collect(host, host.hook.register_roles, RoleSpec, key=lambda r: r.code, what="role").values():
        registry.add_role(contributed.value, contributed.source)
    return registry
