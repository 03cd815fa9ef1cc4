"""Reading which plugins a tenant has enabled and with which settings (cached per request)."""

from __future__ import annotations

from flask import current_app, g, has_request_context
from sqlalchemy import select

from core.db import session
from core.plugins.models import TenantPlugin
from core.settings.service import forget_cached_settings, get_settings
from core.settings.types import Settings
from core.tenants.models import Tenant


def _rows(tenant: Tenant) -> dict[str, TenantPlugin]:
    cache = g.setdefault("tenant_plugins", {}) if has_request_context() else {}
    if tenant.id not in cache:
        from core.db import tenant_scope

        with tenant_scope(tenant.id):
            cache[tenant.id] = {row.plugin: row for row in session.scalars(select(TenantPlugin))}
    return cache[tenant.id]


def forget_cached_state() -> None:
    """Drop this request's cache after enabling, disabling or configuring a plugin."""
    if has_request_context():
        g.pop("tenant_plugins", None)
        g.pop("role_assignments", None)
    forget_cached_settings()


def enabled_plugins(tenant: Tenant) -> frozenset[str]:
    """Names of the installed plugins that are enabled for ``tenant``."""
    installed = current_app.plugins.infos
    return frozenset(name for name, row in _rows(tenant).items() if row.enabled and name in installed)


def plugin_settings(tenant: Tenant, name: str) -> Settings:
    """The tenant's settings for plugin ``name``, frozen, with the schema's defaults filled in (``.promise_days``).

    The same as ``get_settings(name)`` inside the tenant's scope (one store for every namespace).
    """
    info = current_app.plugins.infos[name]
    if info.settings_schema is None:
        return Settings(name, {})
    from core.db import tenant_scope

    with tenant_scope(tenant.id):
        return get_settings(name)


def tenant_hooks(tenant: Tenant):
    """Hook callers limited to core and the plugins enabled for ``tenant``."""
    return current_app.plugins.for_enabled(enabled_plugins(tenant))
