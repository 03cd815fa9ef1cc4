"""How personal accounts plug into core: the operators' account pages and their menu entry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.access.registry import ADMIN, STAFF
from core.accounts import admin as _admin  # noqa: F401 - its pages on the admin blueprint
from core.plugins.markers import hookimpl
from core.plugins.types import MenuItem, Permission


@hookimpl(trylast=True)
def menu_items(tenant, user) -> list[MenuItem]:
    if user is None:
        return []
    return [MenuItem(_l("Personal accounts"), "admin.accounts", order=8, area="admin", permission="accounts.view")]


@hookimpl(trylast=True)
def register_permissions() -> list[Permission]:
    return [
        Permission("accounts.view", "See personal accounts and statements", STAFF),
        Permission("accounts.manage", "Open personal accounts and link users to them", STAFF),
        Permission("ledger.correct", "Correct balances with a reason", ADMIN),
    ]
