"""Core's visits feature, registered like a plugin: its pages, API, menu and the ``visits`` settings namespace."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from core.access.registry import STAFF
from core.plugins.markers import hookimpl
from core.plugins.types import MenuItem, Permission
from core.settings.types import SettingsNamespace
from core.visits import admin as _admin  # noqa: F401 - its pages on the admin blueprint
from core.visits.settings import SETTINGS


@hookimpl(trylast=True)
def register_settings() -> list[SettingsNamespace]:
    return [SETTINGS]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from core.visits.views import blueprint

    return [blueprint]


@hookimpl
def register_api() -> list[Any]:
    from core.visits.api import blueprint

    return [blueprint]


@hookimpl(trylast=True)
def menu_items(tenant, user) -> list[MenuItem]:
    if user is None:
        return []
    return [
        MenuItem(_l("Call a technician"), "visits.index", order=60, permission="visits.request"),
        MenuItem(_l("Technician visits"), "admin.visits", order=27, area="admin", permission="visits.manage"),
    ]


@hookimpl(trylast=True)
def register_permissions() -> list[Permission]:
    return [
        Permission("visits.request", "Call a technician and follow the visit", ("subscriber",)),
        Permission("visits.manage", "Schedule technician visits and record their results", STAFF),
    ]
