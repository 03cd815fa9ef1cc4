"""ISP: tariffs, subscriptions, daily charging, debt blocking, promised payment, voluntary block, add-ons.

The vertical for internet and TV providers. It reaches core only through ``core.api`` and hooks:
money moves through the ledger service, support applications through ``open_ticket``, reminders
through ``notify``. Rules are typed per-tenant settings (:mod:`plugins.isp.settings`).
"""

from __future__ import annotations

from pathlib import Path

from core.api import N_, PluginInfo
from plugins.isp import models  # noqa: F401 - the tables are known to the app and to Alembic
from plugins.isp.hooks import *  # noqa: F403 - pluggy finds the hook implementations on this module
from plugins.isp.settings import IspSettings

HERE = Path(__file__).resolve().parent

plugin_info = PluginInfo(
    name="isp",
    version="1.0.0",
    title=N_("ISP"),
    description=N_("Internet and TV: tariffs, daily charging, debt blocking, promised payment, voluntary block."),
    requires_core=">=0.1,<1",
    settings_schema=IspSettings,
    migrations=HERE / "migrations" / "versions",
    translations=HERE / "translations",
)
