"""How news plugs into core: the feed, the operators' pages, the API, the menu and the layout's banner."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint as ApiBlueprint

from core.access.registry import STAFF
from core.i18n import N_
from core.news import admin as _admin  # noqa: F401 - its pages on the admin blueprint
from core.plugins.markers import hookimpl
from core.plugins.types import BackgroundAction, Job, MenuItem, Permission


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from core.news.views import blueprint

    return [blueprint]


@hookimpl
def register_api() -> list[ApiBlueprint]:
    from core.news.api import blueprint

    return [blueprint]


@hookimpl
def template_globals() -> dict[str, Any]:
    from core.news.views import banner_news

    return {"important_news": banner_news}  # called by base.html: one query per page


@hookimpl(trylast=True)
def menu_items(tenant, user) -> list[MenuItem]:
    if user is None:
        return []
    return [
        MenuItem(_l("News"), "news.index", order=800, permission="news.read"),
        MenuItem(_l("News"), "admin.news", order=35, area="admin", permission="news.manage"),
    ]


def announce_news(now: datetime) -> dict[str, int]:
    """Notify each news item's audience once it is published (scheduled items at their time)."""
    from core.news.service import announce_due

    return announce_due(now)


@hookimpl(trylast=True)
def register_background_actions() -> list[BackgroundAction]:
    """Announcing a news item just published (a mailing to its readers, with its progress)."""
    from core.news.service import ANNOUNCE_ACTION, MANAGE, announce_task, describe_announcement

    return [
        BackgroundAction(
            ANNOUNCE_ACTION, N_("Notify the readers of a news item"), announce_task, MANAGE, describe_announcement
        )
    ]


@hookimpl(trylast=True)
def register_jobs() -> list[Job]:
    return [Job("core.news.notify", announce_news, every_seconds=60)]


@hookimpl(trylast=True)
def register_permissions() -> list[Permission]:
    return [
        Permission("news.read", "Read the provider's news", ("subscriber", *STAFF)),
        Permission("news.manage", "Publish, schedule and edit news", STAFF),
    ]
