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
from core.visits import technician_pages as _technician_pages  # noqa: F401 - a technician's own visits
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
        MenuItem(_l("My visits"), "admin.my_visits", order=28, area="admin", permission="visits.mine"),
    ]


@hookimpl(trylast=True)
def register_permissions() -> list[Permission]:
    return [
        Permission("visits.request", "Call a technician and follow the visit", ("subscriber",)),
        Permission("visits.manage", "Schedule technician visits and record their results", STAFF),
        Permission("visits.mine", "See one's own technician visits for the day", (*STAFF, "technician")),
    ]


@hookimpl(trylast=True)
def dashboard_widgets(tenant, user):
    """The subscriber's scheduled technician visits from today on, on the dashboard."""
    from flask import render_template

    from core.plugins.types import Widget
    from core.visits.service import scheduled_visits

    if user is None:
        return []
    visits = scheduled_visits(user, tenant.today())
    if not visits:
        return []
    return [Widget(str(_l("Technician visits")), render_template("visits/_widget.html", visits=visits), order=20)]
