"""Core's visits feature, registered like a plugin: the ``visits`` settings namespace."""

from __future__ import annotations

from core.plugins.markers import hookimpl
from core.settings.types import SettingsNamespace
from core.visits.settings import SETTINGS


@hookimpl(trylast=True)
def register_settings() -> list[SettingsNamespace]:
    return [SETTINGS]
