"""FAQ: the provider's frequently asked questions — the small built-in plugin that exercises every hook.

It shows the whole plugin surface: metadata and strict settings, a model with its own Alembic
branch, a web blueprint, an API endpoint, a menu item, a dashboard widget, permissions, and a CLI
command with a line-numbered import report.
"""

from __future__ import annotations

from pathlib import Path

from core.api import PluginInfo
from plugins.faq.hooks import (  # noqa: F401 - hook implementations are found on this module
    dashboard_widgets,
    menu_items,
    on_plugin_enabled,
    register_api,
    register_blueprints,
    register_commands,
    register_permissions,
)
from plugins.faq.settings import FaqSettings

HERE = Path(__file__).resolve().parent

plugin_info = PluginInfo(
    name="faq",
    version="1.0.0",
    title="FAQ",
    description="Frequently asked questions, on a page, in the API and on the dashboard.",
    requires_core=">=0.1,<1",
    settings_schema=FaqSettings,
    migrations=HERE / "migrations" / "versions",
    translations=HERE / "translations",
)
