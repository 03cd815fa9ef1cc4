"""The built-in roles and the cabinet's own permission; each feature registers its permissions in its ``hooks``."""

from __future__ import annotations

from core.access.registry import BUILTIN_ROLES
from core.plugins.markers import hookimpl
from core.plugins.types import Permission, RoleSpec

STAFF = ("operator", "tenant_admin")
ADMIN = ("tenant_admin",)

CORE_PERMISSIONS = (Permission("cabinet.use", "Use the subscriber cabinet", ("subscriber",)),)


@hookimpl(trylast=True)
def register_permissions() -> list[Permission]:
    return list(CORE_PERMISSIONS)


@hookimpl(trylast=True)
def register_roles() -> list[RoleSpec]:
    return list(BUILTIN_ROLES)
