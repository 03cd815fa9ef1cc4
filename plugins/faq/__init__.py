"""FAQ: the provider's frequently asked questions — the small built-in example of a plugin.

It shows metadata and strict settings, a model with its own Alembic branch, and these hooks (a test
keeps the list equal to the hooks it implements): ``register_blueprints`` (a web page),
``register_api`` (an API endpoint), ``register_commands`` (a CLI command with a line-numbered import
report), ``register_permissions``, ``menu_items``, ``dashboard_widgets``, ``on_plugin_enabled`` and
``populate_test_world`` (its objects for the shipped route suites). For the hooks it does not show
(jobs, payments, daily cost, receipts, tickets, news, login variants, demo data …) see ``plugins/isp``.
"""

from __future__ import annotations

from pathlib import Path

from core.api import N_, PluginInfo
from plugins.faq.hooks import (  # noqa: F401 - hook implementations are found on this module
    dashboard_widgets,
    menu_items,
    on_plugin_enabled,
    populate_test_world,
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
    title=N_("FAQ"),
    description=N_("Frequently asked questions, on a page, in the API and on the dashboard."),
    requires_core=">=0.1,<1",
    settings_schema=FaqSettings,
    migrations=HERE / "migrations" / "versions",
    translations=HERE / "translations",
)
