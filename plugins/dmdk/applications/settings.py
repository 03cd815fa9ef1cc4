"""The tenant's application settings: the ``dmdk.applications`` namespace of the one settings system.

``required_for_legal`` and ``required_for_entrepreneur`` are the document types (codes of
:data:`~plugins.dmdk.documents.types.DOCUMENT_TYPES`) an organization's, or an individual entrepreneur's,
application must have attached — each valid on the day it is submitted. Set them on the operator's settings page or
in the tenant file under ``[settings."dmdk.applications"]``.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from core.api import N_, Settings, SettingsNamespace, get_settings
from plugins.dmdk.documents.types import TYPE_CODES

NAMESPACE = "dmdk.applications"


def _types(default: list[str], title: str) -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf(TYPE_CODES)),
        load_default=lambda: list(default),
        validate=validate.Length(max=len(TYPE_CODES)),
        metadata={"title": title},
    )


class ApplicationSettings(Schema):
    """Which document types a special-registration application needs, for a legal entity and an entrepreneur."""

    class Meta:
        unknown = RAISE

    required_for_legal = _types(["charter", "egrul_extract"], N_("Documents an organization's application needs"))
    required_for_entrepreneur = _types(["egrip_extract"], N_("Documents an entrepreneur's application needs"))


SETTINGS = SettingsNamespace(NAMESPACE, ApplicationSettings)


def application_settings() -> Settings:
    """The current tenant's application settings."""
    return get_settings(NAMESPACE)


def required_types(kind: str) -> tuple[str, ...]:
    """The document types an application of an organization of ``kind`` (``legal``/``entrepreneur``) needs."""
    settings = application_settings()
    wanted = settings.required_for_entrepreneur if kind == "entrepreneur" else settings.required_for_legal
    return tuple(code for code in TYPE_CODES if code in wanted)
