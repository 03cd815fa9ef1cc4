"""Core's support feature, registered like a plugin: the default ticket categories.

and the ``support.deadlines`` settings namespace. Importing this module declares who may download files
attached to ticket messages.
"""

from __future__ import annotations

from flask import Blueprint

from core.files.access import register_owner
from core.plugins.markers import hookimpl
from core.settings.types import SettingsNamespace
from core.support.access import ATTACHMENT_OWNER, may_see_attachment
from core.support.categories import CORE_CATEGORIES, TicketCategory
from core.support.settings import SETTINGS

register_owner(ATTACHMENT_OWNER, may_see_attachment)


@hookimpl
def register_blueprints() -> list[Blueprint]:
    """The public connection-request page (``/connect/``)."""
    from core.support.connection_views import blueprint

    return [blueprint]


@hookimpl(trylast=True)
def register_ticket_categories() -> list[TicketCategory]:
    return list(CORE_CATEGORIES)


@hookimpl(trylast=True)
def register_settings() -> list[SettingsNamespace]:
    return [SETTINGS]
