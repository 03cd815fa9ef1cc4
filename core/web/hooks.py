"""The shell's own navigation entry (home) and the site settings namespace; features bring their own entries."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.plugins.markers import hookimpl
from core.plugins.types import MenuItem
from core.settings.types import SettingsNamespace
from core.tenants.urls import SETTINGS as SITE_SETTINGS


@hookimpl(trylast=True)
def menu_items(tenant, user) -> list[MenuItem]:
    if user is None:
        return []
    return [MenuItem(_l("Home"), "web.dashboard", order=0)]


@hookimpl(trylast=True)
def register_settings() -> list[SettingsNamespace]:
    return [SITE_SETTINGS]
