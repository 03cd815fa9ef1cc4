"""Core's support feature, registered like a plugin: the default ticket categories.

Importing this module also declares the ``support.deadlines`` settings namespace and who may
download files attached to ticket messages.
"""

from __future__ import annotations

from core.files.access import register_owner
from core.plugins.markers import hookimpl
from core.support import settings as _settings  # noqa: F401 - registers the support.deadlines namespace
from core.support.access import ATTACHMENT_OWNER, may_see_attachment
from core.support.categories import CORE_CATEGORIES, TicketCategory

register_owner(ATTACHMENT_OWNER, may_see_attachment)


@hookimpl(trylast=True)
def register_ticket_categories() -> list[TicketCategory]:
    return list(CORE_CATEGORIES)
