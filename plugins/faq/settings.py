"""The FAQ plugin's per-tenant settings."""

from marshmallow import RAISE, Schema, fields, validate

from core.api import N_


class FaqSettings(Schema):
    class Meta:
        unknown = RAISE

    title = fields.String(
        load_default="Частые вопросы",
        validate=validate.Length(min=1, max=60),
        metadata={"title": N_("Title"), "description": N_("Shown in the menu and on the page.")},
    )
    show_on_dashboard = fields.Boolean(load_default=True, metadata={"title": N_("Show on the dashboard")})
    dashboard_count = fields.Integer(
        load_default=3, validate=validate.Range(min=1, max=10), metadata={"title": N_("Questions on the dashboard")}
    )
