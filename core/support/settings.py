"""Per-tenant support settings: response and resolution deadlines per category (``support.deadlines``).

Stored as ``{"categories": {code: {"response_hours": n, "resolution_hours": m}}}``. A category not
named there keeps the defaults it was registered with, so a new plugin category needs no data change.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from core.i18n import N_
from core.settings.types import SettingsNamespace

NAMESPACE = "support.deadlines"
MAX_HOURS = 24 * 365


class CategoryDeadlines(Schema):
    """Hours to the first reply and to the solution for one category."""

    class Meta:
        unknown = RAISE

    response_hours = fields.Integer(required=True, strict=False, validate=validate.Range(min=1, max=MAX_HOURS))
    resolution_hours = fields.Integer(required=True, strict=False, validate=validate.Range(min=1, max=MAX_HOURS))

    @validates_schema
    def resolution_after_response(self, data, **_kwargs):
        if data.get("resolution_hours", 0) < data.get("response_hours", 0):
            raise ValidationError(N_("must not be shorter than the response time"), "resolution_hours")


class SupportDeadlines(Schema):
    """Deadlines per category code; categories left out use their registered defaults."""

    class Meta:
        unknown = RAISE

    categories = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=60)),
        values=fields.Nested(CategoryDeadlines),
        load_default=dict,
    )


SETTINGS = SettingsNamespace(NAMESPACE, SupportDeadlines)
