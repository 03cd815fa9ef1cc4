"""Reading which plugins a tenant has enabled and with which settings (kept per worker: core.db.config_version)."""

from __future__ import annotations

from flask import current_app, g, has_request_context
from sqlalchemy import select

from core.db import session
from core.db.config_version import process_cache
from core.plugins.models import TenantPlugin
from core.settings.service import get_settings
from core.settings.types import Settings
from core.tenants.models import Tenant


def forget_cached_state() -> None:
    """Drop this request's memos after enabling, disabling or configuring a plugin.

    The per-worker caches need nothing: the flush that wrote the change bumped the configuration version.
    """
    if has_request_context():
        g.pop("role_assignments", None)
        g.pop("permissions", None)


def enabled_plugins(tenant: Tenant) -> frozenset[str]:
    """Names of the installed plugins that are enabled for ``tenant`` (kept per worker until configuration changes)."""

    def read() -> frozenset[str]:
        from core.db import tenant_scope

        installed = current_app.plugins.infos
        with tenant_scope(tenant.id):
            stmt = select(TenantPlugin.plugin).where(TenantPlugin.enabled.is_(True))
            return frozenset(name for name in session.scalars(stmt) if name in installed)

    return process_cache().get(("enabled-plugins", tenant.id), read)


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
