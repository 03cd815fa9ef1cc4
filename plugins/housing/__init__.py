"""Housing: buildings and flats, meters and readings, accruals with a trace, penalties, the ЕПД (issue #14).

The vertical for management companies (the seed's EIS24 cabinet). It reaches core only through ``core.api`` and
hooks. Being built capability by capability: the domain rules (:mod:`plugins.housing.penalties.calculator`,
:mod:`plugins.housing.readings.rules`, :mod:`plugins.housing.accruals.methods`), the housing stock and meter
tables, and reading submission (:mod:`plugins.housing.readings.service`) are here; pages, the billing run, the
ЕПД and the demo tenant come next.
"""

from __future__ import annotations

from pathlib import Path

from core.api import N_, PluginInfo
from plugins.housing import models  # noqa: F401 - the tables are known to the app and to Alembic
from plugins.housing.hooks import (  # noqa: F401 - pluggy finds the hook implementations on this module
    audit_actions,
    load_demo_data,
    menu_items,
    news_audiences,
    operation_title,
    populate_test_world,
    register_api,
    register_background_actions,
    register_blueprints,
    register_commands,
    register_jobs,
    register_notification_kinds,
    register_permissions,
    register_settings,
    service_titles,
)
from plugins.housing.settings import HousingSettings

HERE = Path(__file__).resolve().parent

plugin_info = PluginInfo(
    name="housing",
    version="0.1.0",
    title=N_("Housing"),
    description=N_("Management companies: flats, meters and readings, accruals with a trace, penalties, the ЕПД."),
    requires_core=">=0.1,<1",
    migrations=HERE / "migrations" / "versions",
    translations=HERE / "translations",
    settings_schema=HousingSettings,
)
