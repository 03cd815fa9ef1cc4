"""How the platform's tenant management plugs into core: its pages, shown in the platform tenant's menu only."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from core.plugins.markers import hookimpl
from core.plugins.types import MenuItem, Permission


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from core.platform.views import blueprint

    return [blueprint]


@hookimpl(trylast=True)
def menu_items(tenant, user) -> list[MenuItem]:
    if user is None or not tenant.is_platform:
        return []
    return [MenuItem(_l("Tenants"), "platform.tenants", order=5, area="admin", permission="platform.tenants")]


@hookimpl(trylast=True)
def register_permissions() -> list[Permission]:
    return [
        Permission("platform.tenants", "Manage the tenants of the platform", ("platform_admin",)),
    ]
