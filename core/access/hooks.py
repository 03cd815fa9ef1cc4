"""Core's own permissions and built-in roles, registered through the same hooks plugins use."""

from __future__ import annotations

from core.access.registry import BUILTIN_ROLES
from core.plugins.markers import hookimpl
from core.plugins.types import Permission, RoleSpec

STAFF = ("operator", "tenant_admin")
ADMIN = ("tenant_admin",)

CORE_PERMISSIONS = (
    Permission("cabinet.use", "Use the subscriber cabinet", ("subscriber",)),
    Permission("subscribers.view", "See subscribers", STAFF),
    Permission("subscribers.manage", "Create, block subscribers and reset their passwords", STAFF),
    Permission("staff.manage", "Manage staff and their roles", ADMIN),
    Permission("tenant.settings", "Edit branding, contacts and details", ADMIN),
    Permission("plugins.manage", "Enable and configure plugins", ADMIN),
    Permission("audit.view", "Read the audit log", ADMIN),
    Permission("outbox.view", "Read the outgoing mail", ADMIN),
    Permission("platform.tenants", "Manage the tenants of the platform", ("platform_admin",)),
    Permission("payments.import", "Import bank payment registries", STAFF),
    Permission("payments.suspense", "Move payments out of suspense to the right account", STAFF),
    Permission("accounts.view", "See personal accounts and statements", STAFF),
    Permission("accounts.manage", "Open personal accounts and link users to them", STAFF),
    Permission("payments.manual", "Take payments at the office", STAFF),
    Permission("ledger.correct", "Correct balances with a reason", ADMIN),
    Permission("news.read", "Read the provider's news", ("subscriber", *STAFF)),
    Permission("news.manage", "Publish, schedule and edit news", STAFF),
    Permission("support.use", "Write to support and follow one's own requests", ("subscriber",)),
    Permission("support.queue", "Work the support queue: answer, assign, merge, add internal notes", STAFF),
    Permission("visits.request", "Call a technician and follow the visit", ("subscriber",)),
    Permission("visits.manage", "Schedule technician visits and record their results", STAFF),
    Permission("visits.mine", "See one's own technician visits for the day", (*STAFF, "technician")),
    Permission("console.view", "See the staff start page with today's counters", (*STAFF, "technician")),
)


@hookimpl(trylast=True)
def register_permissions() -> list[Permission]:
    return list(CORE_PERMISSIONS)


@hookimpl(trylast=True)
def register_roles() -> list[RoleSpec]:
    return list(BUILTIN_ROLES)
