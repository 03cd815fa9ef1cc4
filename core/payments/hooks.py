"""Core's payments feature, registered like a plugin: its settings namespaces (``payments.*``)."""

from __future__ import annotations

from core.payments.settings import NAMESPACES
from core.plugins.markers import hookimpl
from core.settings.types import SettingsNamespace


@hookimpl(trylast=True)
def register_settings() -> list[SettingsNamespace]:
    return list(NAMESPACES)
