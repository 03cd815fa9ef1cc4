"""How notifications plug into core: the core kinds, the pages and API, the layout's unread counter."""

from typing import Any

from flask import Blueprint

from core.notify.kinds import CORE_KINDS
from core.plugins.markers import hookimpl


@hookimpl(trylast=True)
def register_notification_kinds():
    return list(CORE_KINDS)


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from core.notify.views import blueprint

    return [blueprint]


@hookimpl
def register_api() -> list[Any]:
    from core.notify.api import blueprint

    return [blueprint]


@hookimpl
def template_globals() -> dict[str, Any]:
    from core.notify.views import header_unread_count

    return {"unread_notifications": header_unread_count}  # called by base.html: one COUNT per page
