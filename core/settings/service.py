"""Public settings service for core features: read with defaults, save after validation (audited).

A namespace has a marshmallow schema (``unknown = RAISE``, a default for every field). Fields
marked ``metadata={"secret": True}`` are never shown back: forms and logs see ``redacted()``, and an
empty value on save keeps the stored secret.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError
from sqlalchemy import select

from core.audit.service import record as audit
from core.db import session
from core.settings.models import TenantSettings

_SCHEMAS: dict[str, type[Schema]] = {}
SECRET_MASK = "••••••"


class SettingsError(ValueError):
    """Settings were refused; ``messages`` maps fields to reasons. Nothing was saved."""

    def __init__(self, namespace: str, messages: dict[str, Any]) -> None:
        super().__init__(f"invalid {namespace} settings: {messages}")
        self.namespace = namespace
        self.messages = messages


def register_settings(namespace: str, schema: type[Schema]) -> None:
    """Declare a settings namespace of a core feature."""
    _SCHEMAS[namespace] = schema


def schema_for(namespace: str) -> Schema:
    return _SCHEMAS[namespace]()


def secret_fields(namespace: str) -> set[str]:
    return {name for name, field in schema_for(namespace).fields.items() if field.metadata.get("secret")}


def _row(namespace: str) -> TenantSettings | None:
    return session.scalar(select(TenantSettings).where(TenantSettings.namespace == namespace))


def get_settings(namespace: str) -> dict[str, Any]:
    """The current tenant's settings in ``namespace``, defaults filled in."""
    row = _row(namespace)
    return schema_for(namespace).load(dict(row.values) if row else {})


def redacted(namespace: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with every secret replaced by a mask (for forms, logs and the audit trail)."""
    secrets = secret_fields(namespace)
    return {k: (SECRET_MASK if k in secrets and v else v) for k, v in values.items()}


def save_settings(namespace: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Validate and store the current tenant's settings; an empty or masked secret keeps the old one."""
    schema = schema_for(namespace)
    current = get_settings(namespace)
    merged = dict(raw)
    for name in secret_fields(namespace):
        if merged.get(name) in (None, "", SECRET_MASK):
            merged[name] = current.get(name, "")
    try:
        loaded = schema.load(merged)
    except ValidationError as error:
        raise SettingsError(namespace, error.messages_dict) from None
    stored = schema.dump(loaded)
    row = _row(namespace)
    if row is None:
        row = TenantSettings(namespace=namespace, values={})
        session.add(row)
    audit("settings.change", "settings", namespace, redacted(namespace, dict(row.values)), redacted(namespace, stored))
    row.values = stored
    return loaded
