"""Per-tenant settings of the payment channels (``settings`` namespaces ``payments.*``)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from core.i18n import N_
from core.payments.agent.settings import AgentSettings
from core.settings.types import SettingsNamespace


class PayKeeperSettings(Schema):
    """PayKeeper card payments. ``secret`` is the notification secret from the PayKeeper back office."""

    class Meta:
        unknown = RAISE

    enabled = fields.Boolean(load_default=True, metadata={"title": N_("Card payments on")})
    server_url = fields.String(
        load_default="",
        validate=validate.Regexp(
            r"^(|https://[A-Za-z0-9.-]+(:\d+)?/?)$", error=N_("an https:// address of your PayKeeper")
        ),
        metadata={"title": N_("PayKeeper address"), "description": N_("e.g. https://yourcompany.server.paykeeper.ru")},
    )
    secret = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={
            "title": N_("Notification secret"),
            "description": N_("From the PayKeeper back office; it signs the payment notifications."),
            "secret": True,
        },
    )
    sandbox = fields.Boolean(
        load_default=False, metadata={"title": N_("Sandbox"), "description": N_("Simulate payments locally (demo).")}
    )
    service_name = fields.String(
        load_default="Оплата услуг связи",
        validate=validate.Length(min=1, max=100),
        metadata={"title": N_("Payment purpose"), "description": N_("Shown to the payer on PayKeeper's page.")},
    )
    min_amount = fields.Integer(
        load_default=100, validate=validate.Range(min=1), metadata={"title": N_("Minimum, kopecks")}
    )
    max_amount = fields.Integer(
        load_default=15_000_000, validate=validate.Range(min=1), metadata={"title": N_("Maximum, kopecks")}
    )


class RegistryLayout(Schema):
    """Column layout of a bank's payment registry (Sberbank-style default, 0-based columns)."""

    class Meta:
        unknown = RAISE

    provider = fields.String(load_default="sberbank", validate=validate.Regexp(r"^[a-z0-9_-]{1,40}$"))
    delimiter = fields.String(load_default=";", validate=validate.Length(equal=1))
    encoding = fields.String(load_default="auto", validate=validate.OneOf(["auto", "cp1251", "utf-8"]))
    date_column = fields.Integer(load_default=0, validate=validate.Range(min=0))
    date_format = fields.String(load_default="%d-%m-%Y")
    payment_id_column = fields.Integer(load_default=4, validate=validate.Range(min=0))
    account_column = fields.Integer(load_default=5, validate=validate.Range(min=0))
    payer_column = fields.Integer(load_default=6, validate=validate.Range(min=-1))
    amount_column = fields.Integer(load_default=9, validate=validate.Range(min=0))
    totals_prefix = fields.String(load_default="=", validate=validate.Length(min=1, max=5))
    totals_count_column = fields.Integer(load_default=0, validate=validate.Range(min=0))
    totals_amount_column = fields.Integer(load_default=1, validate=validate.Range(min=0))


NAMESPACES = (
    SettingsNamespace("payments.paykeeper", PayKeeperSettings),
    SettingsNamespace("payments.agent", AgentSettings),
    SettingsNamespace("payments.registry", RegistryLayout),
)
