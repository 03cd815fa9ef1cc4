"""Core's support feature, registered like a plugin: the default ticket categories.

and the ``support.deadlines`` settings namespace. Importing this module declares who may download files
attached to ticket messages.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from core.access.registry import STAFF
from core.files.access import register_owner
from core.plugins.markers import hookimpl
from core.plugins.types import MenuItem, Permission
from core.settings.types import SettingsNamespace
from core.support.access import ATTACHMENT_OWNER, may_see_attachment
from core.support.categories import CORE_CATEGORIES, TicketCategory
from core.support.settings import SETTINGS

register_owner(ATTACHMENT_OWNER, may_see_attachment)


@hookimpl(trylast=True)
def register_ticket_categories() -> list[TicketCategory]:
    return list(CORE_CATEGORIES)


@hookimpl(trylast=True)
def register_settings() -> list[SettingsNamespace]:
    return [SETTINGS]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    """The subscriber's support pages, the operators' queue and the public connection-request page (``/connect/``)."""
    from core.support.admin_views import blueprint as queue
    from core.support.connection_views import blueprint as connect
    from core.support.views import blueprint

    return [blueprint, queue, connect]


@hookimpl
def register_api() -> list[Any]:
    from core.support.api import blueprint

    return [blueprint]


@hookimpl(trylast=True)
def menu_items(tenant, user) -> list[MenuItem]:
    if user is None:
        return []
    return [
        MenuItem(_l("Support"), "support.index", order=800, permission="support.use"),
        MenuItem(_l("Support queue"), "support_admin.queue", order=5, area="admin", permission="support.queue"),
    ]


@hookimpl(trylast=True)
def register_permissions() -> list[Permission]:
    return [
        Permission("support.use", "Write to support and follow one's own requests", ("subscriber",)),
        Permission("support.queue", "Work the support queue: answer, assign, merge, add internal notes", STAFF),
    ]
