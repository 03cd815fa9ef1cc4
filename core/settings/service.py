"""The one settings service: every namespace (core features' and plugins') read typed, saved after validation.

One store: every namespace of a tenant is one ``tenant_settings`` row — core's (``payments.paykeeper`` …) and
each plugin's (the namespace named after the plugin; whether the plugin is on stays in ``tenant_plugins``).

Namespaces are registered at start-up, never by importing a module: core's features and plugins return
:class:`~core.settings.types.SettingsNamespace` objects from the ``register_settings`` hook, and a plugin's
``PluginInfo.settings_schema`` is the namespace named after the plugin. :func:`build_settings` collects them
once per app. A read (:func:`get_settings`, ``core.plugins.state.plugin_settings``) returns a frozen
:class:`~core.settings.types.Settings` with the schema's defaults filled in; :func:`save_settings` stores any
namespace (a plugin's too).

A namespace's schema has ``unknown = RAISE`` and a default for every field. Fields marked
``metadata={"secret": True}`` are never shown back: forms and logs see ``redacted()``, and an empty value on
save keeps the stored secret. Refused values raise :class:`SettingsError` whose messages are already in the
site's language.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from marshmallow import Schema, ValidationError
from sqlalchemy import select

from core.audit.service import record as audit
from core.db import current_tenant_id, session
from core.db.config_version import process_cache
from core.db.tenancy import TenantScopeError
from core.plugins.collect import collect
from core.plugins.manager import PluginHost
from core.settings.models import TenantSettings
from core.settings.types import Settings, SettingsNamespace
from core.web.validation_messages import translate_errors

SECRET_MASK = "••••••"


class SettingsError(ValueError):
    """Settings were refused; ``messages`` maps fields to reasons (in the site's language). Nothing was saved."""

    def __init__(self, namespace: str, messages: dict[str, Any]) -> None:
        super().__init__(f"invalid {namespace} settings: {messages}")
        self.namespace = namespace
        self.messages = messages


@dataclass(frozen=True)
class SettingsRegistry:
    """Every namespace of this app by name; ``of_plugins`` names those that are a plugin's own settings."""

    namespaces: Mapping[str, SettingsNamespace]
    of_plugins: frozenset[str]


def build_settings(host: PluginHost) -> SettingsRegistry:
    """Collect the namespaces of core's features and plugins (``register_settings``) and plugins' own settings.

    A namespace registered twice (or named like a plugin with its own settings) stops the app at start-up.
    """
    found = collect(host, host.hook.register_settings, SettingsNamespace, key=lambda ns: ns.name, what="settings")
    namespaces = {name: contributed.value for name, contributed in found.items()}
    of_plugins = set()
    for info in host.infos.values():
        if info.settings_schema is None:
            continue
        if info.name in namespaces:
            raise ValueError(f"settings {info.name!r} registered twice (by {found[info.name].plugin} and {info.name})")
        namespaces[info.name] = SettingsNamespace(info.name, info.settings_schema)
        of_plugins.add(info.name)
    return SettingsRegistry(namespaces, frozenset(of_plugins))


def _registry() -> SettingsRegistry:
    return current_app.extensions["abonent.settings"]


def schema_for(namespace: str) -> Schema:
    """A fresh instance of the namespace's schema (``KeyError`` for an unknown namespace)."""
    return _registry().namespaces[namespace].schema()


def secret_fields(namespace: str) -> set[str]:
    return {name for name, field in schema_for(namespace).fields.items() if field.metadata.get("secret")}


def load_settings(namespace: str, stored: Mapping[str, Any] | None) -> Settings:
    """Stored values of ``namespace`` as a frozen :class:`Settings`, defaults filled in."""
    return Settings(namespace, schema_for(namespace).load(dict(stored or {})))


def validate_settings(namespace: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``raw`` against the namespace's schema; the values as stored (JSON-ready), or :class:`SettingsError`."""
    schema = schema_for(namespace)
    try:
        return schema.dump(schema.load(dict(raw)))
    except ValidationError as error:
        raise SettingsError(namespace, translate_errors(error.messages_dict)) from None


def _row(namespace: str) -> TenantSettings | None:
    return session.scalar(select(TenantSettings).where(TenantSettings.namespace == namespace))


def _stored_values() -> dict[str, dict[str, Any]]:
    """Every stored namespace of the current tenant (kept per worker until configuration changes)."""
    tenant_id = current_tenant_id()
    if tenant_id is None:  # across tenants (cross_tenant()) there is no "the tenant's settings"
        raise TenantScopeError("settings are read and saved in one tenant's scope (tenant_scope)")

    def read() -> dict[str, dict[str, Any]]:
        return {row.namespace: dict(row.values) for row in session.scalars(select(TenantSettings))}

    return process_cache().get(("settings", tenant_id), read)


def stored_settings(namespace: str) -> dict[str, Any]:
    """The current tenant's values in ``namespace`` as stored (no defaults filled in; ``{}`` if none)."""
    return copy.deepcopy(_stored_values().get(namespace, {}))


def get_settings(namespace: str) -> Settings:
    """The current tenant's settings in ``namespace`` (a core feature's or a plugin's), defaults filled in.

    Loaded through the schema once per worker and configuration version (:mod:`core.db.config_version`).
    """
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantScopeError("settings are read and saved in one tenant's scope (tenant_scope)")
    return process_cache().get(
        ("settings-of", tenant_id, namespace), lambda: load_settings(namespace, _stored_values().get(namespace))
    )


def redacted(namespace: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with every secret replaced by a mask (for forms, logs and the audit trail)."""
    secrets = secret_fields(namespace) if namespace in _registry().namespaces else set()
    return {k: (SECRET_MASK if k in secrets and v else v) for k, v in values.items()}


def store_settings(namespace: str, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Write already validated values (:func:`validate_settings`) of ``namespace``; the values stored before.

    For core's services (plugin enablement); everyone else calls :func:`save_settings`. The caller commits.
    """
    row = _row(namespace)
    if row is None:
        row = TenantSettings(namespace=namespace, values={})
        session.add(row)
    before = dict(row.values or {})
    row.values = dict(stored)
    session.flush()  # bumps the configuration version: every worker reads the settings again
    return before


def save_settings(namespace: str, raw: Mapping[str, Any]) -> Settings:
    """Validate and store the current tenant's settings in ``namespace`` (a core feature's or a plugin's).

    An empty or masked secret keeps the stored one. Raises :class:`SettingsError` (nothing saved); audited as
    ``settings.change``. Turning a plugin on or off stays ``core.plugins.enablement``'s. The caller commits.
    """
    current = get_settings(namespace)
    merged = dict(raw)
    for name in secret_fields(namespace):
        if merged.get(name) in (None, "", SECRET_MASK):
            merged[name] = current.get(name, "")
    stored = validate_settings(namespace, merged)
    before = store_settings(namespace, stored)
    audit("settings.change", "settings", namespace, redacted(namespace, before), redacted(namespace, stored))
    return load_settings(namespace, stored)
