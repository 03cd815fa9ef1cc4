"""acme_guard's per-tenant settings: the admin's form is built from this schema."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from core.api import N_


class Settings(Schema):
    """Every field has a default, and unknown keys are refused (core checks both at start-up)."""

    class Meta:
        unknown = RAISE

    title = fields.String(
        load_default="Acme guard",
        validate=validate.Length(min=1, max=60),
        metadata={"title": N_("Title"), "description": N_("Shown in the menu and on the page.")},
    )
    show_on_dashboard = fields.Boolean(load_default=True, metadata={"title": N_("Show on the dashboard")})
    max_items = fields.Integer(
        load_default=100, validate=validate.Range(min=1, max=10_000), metadata={"title": N_("At most this many items")}
    )
