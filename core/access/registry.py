"""The permissions and roles core and plugins register at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.i18n import N_
from core.plugins.types import Permission, RoleSpec

#: The built-in roles that get a staff permission by default (``Permission(name, title, STAFF)``).
STAFF = ("operator", "tenant_admin")
#: The built-in role that gets an administrator's permission by default.
ADMIN = ("tenant_admin",)

# Titles are stored as these English msgids and translated where they are shown.
BUILTIN_ROLES: tuple[RoleSpec, ...] = (
    RoleSpec("subscriber", N_("Subscriber"), assignable_by="subscribers.manage"),
    RoleSpec("operator", N_("Operator")),
    RoleSpec("tenant_admin", N_("Tenant administrator")),
    RoleSpec("technician", N_("Technician")),
    RoleSpec("platform_admin", N_("Platform administrator")),
)


@dataclass
class AccessRegistry:
    """Every known permission and role, and which plugin (or ``core``) brought it."""

    permissions: dict[str, Permission] = field(default_factory=dict)
    roles: dict[str, RoleSpec] = field(default_factory=dict)
    role_source: dict[str, str] = field(default_factory=dict)
    permission_source: dict[str, str] = field(default_factory=dict)

    def add_permission(self, permission: Permission, source: str) -> None:
        if permission.name in self.permissions:
            raise ValueError(f"permission {permission.name!r} registered twice")
        self.permissions[permission.name] = permission
        self.permission_source[permission.name] = source

    def add_role(self, role: RoleSpec, source: str) -> None:
        if role.code in self.roles:
            raise ValueError(f"role {role.code!r} registered twice")
        self.roles[role.code] = role
        self.role_source[role.code] = source

    def default_permissions(self, role_code: str) -> frozenset[str]:
        """What a built-in or plugin role grants before any tenant-specific additions."""
        spec = self.roles.get(role_code)
        granted = {p.name for p in self.permissions.values() if role_code in p.default_roles}
        if spec is not None:
            granted.update(spec.permissions)
        return frozenset(granted)

    def roles_for(self, sources: set[str]) -> list[RoleSpec]:
        """Roles contributed by core and the given plugins."""
        return [spec for code, spec in self.roles.items() if self.role_source[code] in sources]
