"""The isp plugin's per-tenant rules: typed, validated, with the defaults a Russian ISP would use.

Open-source ISP billings keep these rules in untyped config strings; here each rule is a field with
a type, a range and a default, shown to the operator as a form and explained to the subscriber
before anything is committed. Amounts are integer kopecks.
"""

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from core.api import N_, MoneyField

KOPECKS_MAX = 10_000_000_00  # ten million roubles


def _kopecks(default: int, title: str, description: str = "") -> MoneyField:
    """An amount typed in rubles on the settings form and stored in kopecks (tenant files give kopecks)."""
    return MoneyField(
        load_default=default,
        validate=validate.Range(min=0, max=KOPECKS_MAX),
        metadata={"title": title, "description": description or N_("In rubles, e.g. 100 or 99,90.")},
    )


def _days(default: int, low: int, high: int, title: str, description: str = "") -> fields.Integer:
    return fields.Integer(
        load_default=default,
        validate=validate.Range(min=low, max=high),
        metadata={"title": title, "description": description},
    )


class IspSettings(Schema):
    """Everything a tenant decides about tariffs, charging, blocking, promised payment and freezing."""

    class Meta:
        unknown = RAISE

    # Debt blocking and reminders
    block_grace_days = _days(
        0, 0, 30, N_("Days of debt before blocking"), N_("0 blocks services as soon as the balance falls below zero.")
    )
    low_balance_days = _days(
        3, 0, 30, N_("Warn when the balance is enough for this many days"), N_("0 turns the warning off.")
    )

    # Tariff change
    tariff_change_rule = fields.String(
        load_default="same_category",
        validate=validate.OneOf(
            ["same_category", "matrix"],
            labels=[N_("Any tariff of the same kind and category"), N_("Only those listed on the current tariff")],
        ),
        metadata={"title": N_("Which tariffs a subscriber may switch to")},
    )
    tariff_change_timing = fields.String(
        load_default="next_period",
        validate=validate.OneOf(
            ["next_period", "immediately"],
            labels=[N_("From the 1st of next month"), N_("From today, prorated by day")],
        ),
        metadata={"title": N_("When a tariff change takes effect")},
    )
    tariff_change_fee_up = _kopecks(0, N_("Fee for a change to a dearer tariff"))
    tariff_change_fee_down = _kopecks(0, N_("Fee for a change to a cheaper tariff"))
    tariff_change_fee_same = _kopecks(0, N_("Fee for a change to a tariff of the same price"))

    # Promised payment
    promise_enabled = fields.Boolean(load_default=True, metadata={"title": N_("Offer the promised payment")})
    promise_amount_kind = fields.String(
        load_default="monthly_fee",
        validate=validate.OneOf(
            ["fixed", "monthly_fee"],
            labels=[
                N_("Always the amount below"),
                N_("The monthly fee of active services, capped by the amount below"),
            ],
        ),
        metadata={"title": N_("Promised payment amount")},
    )
    promise_amount = _kopecks(100000, N_("Promised payment: amount or cap"))
    promise_days = _days(3, 1, 30, N_("Promised payment lasts (days)"))
    promise_fee = _kopecks(0, N_("Fee for a promised payment"))
    promise_frequency = fields.String(
        load_default="calendar_month",
        validate=validate.OneOf(
            ["calendar_month", "days"],
            labels=[N_("Once per calendar month"), N_("Once per the number of days below")],
        ),
        metadata={"title": N_("How often")},
    )
    promise_frequency_days = _days(30, 1, 365, N_("Days between promised payments (when counted in days)"))
    promise_only_in_debt = fields.Boolean(
        load_default=True, metadata={"title": N_("Only when services are blocked or the balance is below zero")}
    )
    promise_max_debt_share = fields.Integer(
        load_default=100,
        validate=validate.Range(min=0, max=1000),
        metadata={
            "title": N_("Largest debt allowed, percent of the monthly fee"),
            "description": N_("100 = one month's fee."),
        },
    )
    promise_min_account_age_days = _days(30, 0, 3650, N_("Account must be at least this many days old"))
    promise_requires_repaid = fields.Boolean(
        load_default=True, metadata={"title": N_("The last promise must be repaid")}
    )

    # Voluntary block (freeze)
    freeze_enabled = fields.Boolean(load_default=True, metadata={"title": N_("Offer the voluntary block")})
    freeze_min_days = _days(7, 1, 365, N_("Voluntary block: minimum days"))
    freeze_max_days = _days(90, 1, 365, N_("Voluntary block: maximum days"))
    freeze_fee_kind = fields.String(
        load_default="none",
        validate=validate.OneOf(
            ["none", "once", "daily"],
            labels=[N_("No fee"), N_("Once, when the block starts"), N_("Per day, instead of the services' fees")],
        ),
        metadata={"title": N_("Voluntary block fee")},
    )
    freeze_fee = _kopecks(0, N_("Voluntary block fee amount"))
    freeze_cooldown_days = _days(30, 0, 365, N_("Days between voluntary blocks"))
    freeze_min_balance = MoneyField(
        load_default=0,
        validate=validate.Range(min=-KOPECKS_MAX, max=KOPECKS_MAX),
        metadata={"title": N_("Lowest balance to start a voluntary block"), "description": N_("In rubles.")},
    )
    freeze_self_unfreeze = fields.Boolean(
        load_default=True, metadata={"title": N_("Subscribers may end a voluntary block early")}
    )
    freeze_unfreeze_min_days = _days(1, 0, 365, N_("Earliest self-unblock, days after the start"))
    freeze_max_start_ahead_days = _days(30, 0, 365, N_("A voluntary block may be scheduled this many days ahead"))

    # Documents of legal entities
    vat_percent = fields.Integer(
        load_default=20,
        validate=validate.OneOf([0, 5, 7, 10, 20]),
        metadata={
            "title": N_("VAT rate on invoices and acts, %"),
            "description": N_("Prices include VAT; 0: not subject to VAT (simplified taxation)."),
        },
    )

    @validates_schema
    def _ranges(self, data: dict, **_kw) -> None:
        if data["freeze_min_days"] > data["freeze_max_days"]:
            raise ValidationError(N_("must not exceed the maximum days"), "freeze_min_days")
