"""A penalty rule as one line of the settings form: ``2022-02-28 9,5 30 90 300 130``.

The date the rule applies from, the annual rate in percent (a comma or a point), the last day of a debt without a
penalty, the last day at the first share, and the two divisors (1/300, 1/130). The last four may be left out: the
law's 30, 90, 300 and 130 apply.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields

from core.api import N_
from plugins.housing.penalties.calculator import PenaltyRule

DEFAULTS = (30, 90, 300, 130)


def rule_line(rule: PenaltyRule) -> str:
    """The line a rule is written as (and stored as)."""
    percent = f"{(rule.rate * 100).normalize():f}"
    return " ".join(
        [
            rule.valid_from.isoformat(),
            percent,
            str(rule.free_days),
            str(rule.second_from_day - 1),
            str(rule.first_divisor),
            str(rule.second_divisor),
        ]
    )


def parse_rule(text: str) -> PenaltyRule:
    """The rule of one line; :class:`ValueError` with the reason (a message to translate) otherwise."""
    parts = text.replace(";", " ").split()
    if not 2 <= len(parts) <= 6:
        raise ValueError(N_("write the date, the rate and up to four numbers of days and divisors"))
    try:
        valid_from = date.fromisoformat(parts[0])
    except ValueError:
        raise ValueError(N_("the date is YYYY-MM-DD")) from None
    try:
        percent = Decimal(parts[1].rstrip("%").replace(",", "."))
    except InvalidOperation:
        raise ValueError(N_("the rate is a number of percent")) from None
    if not (0 < percent <= 100) or not percent.is_finite():
        raise ValueError(N_("the rate is a number of percent")) from None
    numbers = parts[2:]
    if not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in numbers):
        raise ValueError(N_("days and divisors are whole numbers"))
    free_days, first_until, first_divisor, second_divisor = [int(n) for n in numbers] + list(DEFAULTS[len(numbers) :])
    if first_until < free_days or first_divisor < 1 or second_divisor < 1:
        raise ValueError(N_("the first share ends after the free days, and a divisor is at least 1"))
    return PenaltyRule(valid_from, percent / 100, free_days, first_divisor, first_until + 1, second_divisor)


class PenaltyRuleField(fields.Field):
    """A :class:`PenaltyRule` read from its line (or given as one) and stored as its line."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return rule_line(value) if isinstance(value, PenaltyRule) else str(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> PenaltyRule:
        if isinstance(value, PenaltyRule):
            return value
        if not isinstance(value, str):
            raise ValidationError(N_("write the date, the rate and up to four numbers of days and divisors"))
        try:
            return parse_rule(value)
        except ValueError as error:
            raise ValidationError(str(error)) from None
