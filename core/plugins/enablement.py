"""Public service: enable, disable and configure a plugin for one tenant (validated, audited).

Whether a plugin is on is its ``tenant_plugins`` row; its settings are the settings namespace named after it,
in the one settings store (:mod:`core.settings.service`).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from core.access.service import ensure_roles
from core.audit.service import record as audit
from core.db import cross_tenant, session, tenant_scope
from core.i18n import N_
from core.plugins.models import TenantPlugin
from core.plugins.state import enabled_plugins, forget_cached_state
from core.settings import service as settings_service
from core.settings.service import SettingsError
from core.tenants.models import TENANT_ACTIVE, Tenant
from core.web.validation_messages import translate_errors


class PluginSettingsError(SettingsError):
    """A plugin's settings were refused; ``messages`` maps each field to its reasons. Nothing was saved."""

    def __init__(self, plugin: str, messages: dict[str, Any]) -> None:
        super().__init__(plugin, messages)
        self.plugin = plugin


class UnknownPluginError(LookupError):
    """No installed plugin has this name."""


def _info(name: str):
    try:
        return current_app.plugins.infos[name]
    except KeyError:
        raise UnknownPluginError(f"no installed plugin is named {name!r}") from None


def validate_settings(name: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Check ``raw`` against the plugin's schema; return the settings as stored (JSON-ready)."""
    info = _info(name)
    if info.settings_schema is None:
        if raw:
            raise PluginSettingsError(name, translate_errors({"_schema": [N_("This plugin has no settings.")]}))
        return {}
    try:
        return settings_service.validate_settings(name, raw)
    except SettingsError as error:
        raise PluginSettingsError(name, error.messages) from None


def _row(name: str) -> TenantPlugin:
    row = session.scalar(select(TenantPlugin).where(TenantPlugin.plugin == name))
    if row is None:
        row = TenantPlugin(plugin=name, enabled=False)
        session.add(row)
    return row


def _stored(name: str) -> dict[str, Any]:
    if _info(name).settings_schema is None:
        return {}
    return settings_service.stored_settings(name)


def _store(name: str, stored: dict[str, Any]) -> None:
    if _info(name).settings_schema is not None:
        settings_service.store_settings(name, stored)


def enable_plugin(tenant: Tenant, name: str, settings: dict[str, Any] | None = None) -> TenantPlugin:
    """Turn plugin ``name`` on for ``tenant`` (optionally with new settings); calls ``on_plugin_enabled``.

    Raises :class:`PluginSettingsError` (nothing saved) or :class:`UnknownPluginError`. The caller commits.
    """
    with tenant_scope(tenant.id):
        row = _row(name)
        current = _stored(name)
        stored = validate_settings(name, settings if settings is not None else current)
        was = {"enabled": row.enabled, "settings": current}
        if was == {"enabled": True, "settings": stored}:
            return row
        row.enabled = True
        _store(name, stored)
        session.flush()
        forget_cached_state()
        ensure_roles(tenant, set(enabled_plugins(tenant)))
        if not was["enabled"]:
            current_app.plugins.call_one(
                name, current_app.plugins.hook.on_plugin_enabled, tenant=tenant, settings=stored
            )
        audit("plugin.enable", "plugin", name, was, {"enabled": True, "settings": stored})
        return row


def disable_plugin(tenant: Tenant, name: str) -> TenantPlugin:
    """Turn plugin ``name`` off for ``tenant``; its data stays. Calls ``on_plugin_disabled``."""
    _info(name)
    with tenant_scope(tenant.id):
        row = _row(name)
        was_enabled = row.enabled
        row.enabled = False
        session.flush()
        forget_cached_state()
        if was_enabled:
            current_app.plugins.call_one(name, current_app.plugins.hook.on_plugin_disabled, tenant=tenant)
            audit("plugin.disable", "plugin", name, {"enabled": True}, {"enabled": False})
        return row


def configure_plugin(tenant: Tenant, name: str, raw: dict[str, Any]) -> TenantPlugin:
    """Replace the tenant's settings for ``name`` after validation (field errors, nothing saved)."""
    stored = validate_settings(name, raw)
    with tenant_scope(tenant.id):
        row = _row(name)
        before = _stored(name)
        _store(name, stored)
        session.flush()
        forget_cached_state()
        audit("plugin.configure", "plugin", name, before, stored)
        return row


def tenants_with_plugin(name: str) -> list[Tenant]:
    """Every active tenant that has enabled plugin ``name`` (for jobs and CLI loops)."""
    with cross_tenant():
        tenant_ids = set(
            session.scalars(
                select(TenantPlugin.tenant_id).where(TenantPlugin.plugin == name, TenantPlugin.enabled.is_(True))
            )
        )
    if not tenant_ids:
        return []
    return list(
        session.scalars(
            select(Tenant).where(Tenant.id.in_(tenant_ids), Tenant.status == TENANT_ACTIVE).order_by(Tenant.slug)
        )
    )
