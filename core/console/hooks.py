"""How the admin console plugs into core: the ``admin`` blueprint, the site's own admin pages and their menu.

Features put their admin pages on :data:`core.console.blueprint.blueprint` from their own ``admin`` module,
which their ``hooks`` module imports, so every page is on the blueprint before it is registered here.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from core.access.registry import ADMIN, STAFF
from core.console import audit, plugins, settings, tasks  # noqa: F401 - their pages on the admin blueprint
from core.console.blueprint import blueprint
from core.plugins.markers import hookimpl
from core.plugins.types import MenuItem, Permission


@hookimpl
def register_blueprints() -> list[Blueprint]:
    """The admin area, with the pages of every feature that put one on it, and the staff start page."""
    from core.console.views import blueprint as start_page

    return [blueprint, start_page]


@hookimpl(trylast=True)
def menu_items(tenant, user) -> list[MenuItem]:
    if user is None:
        return []
    return [
        MenuItem(_l("Today at work"), "console.start", order=1, area="admin", permission="console.view"),
        MenuItem(_l("Site settings"), "admin.settings", order=30, area="admin", permission="tenant.settings"),
        MenuItem(_l("Payments"), "admin.payment_settings", order=31, area="admin", permission="tenant.settings"),
        MenuItem(_l("Plugins"), "admin.plugins", order=40, area="admin", permission="plugins.manage"),
        MenuItem(_l("Background tasks"), "admin.tasks", order=45, area="admin", permission="console.view"),
        MenuItem(_l("Audit log"), "admin.audit", order=50, area="admin", permission="audit.view"),
        MenuItem(_l("Outgoing mail"), "admin.outbox", order=60, area="admin", permission="outbox.view"),
    ]


@hookimpl(trylast=True)
def register_permissions() -> list[Permission]:
    return [
        Permission("tenant.settings", "Edit branding, contacts and details", ADMIN),
        Permission("plugins.manage", "Enable and configure plugins", ADMIN),
        Permission("audit.view", "Read the audit log", ADMIN),
        Permission("outbox.view", "Read the outgoing mail", ADMIN),
        Permission("console.view", "See the staff start page with today's counters", (*STAFF, "technician")),
    ]
