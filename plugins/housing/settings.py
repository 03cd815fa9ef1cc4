"""The housing plugin's per-tenant rules (the plugin's namespace of core's one settings store).

The penalty rules are dated: each line of the operator's form is one rule in force from its date, so the key
rate fixed at 9.5 % until 2027-01-01 is followed by the rate the company applies after it
(:mod:`plugins.housing.penalties.calculator`). Read them with ``plugin_settings(tenant, "housing")``.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from core.api import N_
from plugins.housing.penalties.calculator import DEFAULT_RULES
from plugins.housing.penalties.rules import PenaltyRuleField


class HousingSettings(Schema):
    """Penalties: the dated rules and the day of the month the previous month's bill is due."""

    class Meta:
        unknown = RAISE

    penalty_rules = fields.List(
        PenaltyRuleField(),
        load_default=lambda: list(DEFAULT_RULES),
        validate=validate.Length(min=1, max=50),
        metadata={
            "title": N_("Penalty rules"),
            "description": N_(
                "One rule a line, in force from its date: the date, the rate in percent, the last day without "
                "a penalty, the last day at the first share, the two divisors. For example: "
                "2022-02-28 9,5 30 90 300 130"
            ),
        },
    )
    payment_due_day = fields.Integer(
        load_default=10,
        validate=validate.Range(min=1, max=28),
        metadata={
            "title": N_("A month's bill is due by this day of the next month"),
            "description": N_("The housing code says the 10th."),
        },
    )

    @validates_schema
    def _one_rule_a_day(self, data: dict, **_kw) -> None:
        days = [rule.valid_from for rule in data.get("penalty_rules", [])]
        if len(days) != len(set(days)):
            raise ValidationError(N_("two rules start on the same day"), "penalty_rules")
