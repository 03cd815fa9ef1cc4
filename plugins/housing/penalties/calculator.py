"""Penalties (пени) for late payment of housing and utility charges (ЖК РФ, art. 155 p. 14).

Nothing for the first 30 days of a debt; from day 31 to day 90, 1/300 of the rate per day; from day 91, 1/130.
The rate and the thresholds are dated rules a tenant can change (:class:`PenaltyRule`); the rule in force on the
day the penalty is reckoned (the payment day, or today for an unpaid debt) applies to the whole debt, as the law
reads. Amounts are integer kopecks; the sum is exact (fractions) and rounded half up to a kopeck once, at the end.

Worked example: 5,000 ₽ paid 100 days late at 9.5 % → 60 days × 5000 × 0.095/300 + 10 days × 5000 × 0.095/130
= 95.00 + 36.54 = 131.54 ₽.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True)
class PenaltyRule:
    """A penalty rule in force from ``valid_from``: the annual rate and the day thresholds."""

    valid_from: date
    rate: Decimal  # per year, e.g. Decimal("0.095")
    free_days: int = 30  # days 1..free_days carry no penalty
    first_divisor: int = 300  # 1/300 of the rate per day after the free days …
    second_from_day: int = 91  # … and 1/130 from this day of the debt on
    second_divisor: int = 130


#: The default rules: the key rate fixed at 9.5 % for penalties until 2027-01-01 (Government decree № 329);
#: a tenant adds the rule that applies after that date.
DEFAULT_RULES: tuple[PenaltyRule, ...] = (PenaltyRule(date(2022, 2, 28), Decimal("0.095")),)


@dataclass(frozen=True)
class PenaltyDay:
    """A run of days of one debt with the same daily share: what the calculator shows a resident."""

    first: date
    last: date
    days: int
    debt: int  # kopecks owed on these days
    divisor: int  # the 300 or 130 of "1/300 of the rate"
    amount: Fraction  # kopecks, exact


@dataclass(frozen=True)
class Penalty:
    """The penalty of one debt as of a day: the total in kopecks and the runs it is made of."""

    total: int
    runs: tuple[PenaltyDay, ...]
    rule: PenaltyRule
    first_penalty_day: date  # day 31 of the debt: a warning is due before it


def rule_on(day: date, rules: Sequence[PenaltyRule] = DEFAULT_RULES) -> PenaltyRule:
    """The rule in force on ``day`` (the latest one that started on or before it)."""
    in_force = [rule for rule in rules if rule.valid_from <= day]
    if not in_force:
        raise ValueError(f"no penalty rule is in force on {day.isoformat()}")
    return max(in_force, key=lambda rule: rule.valid_from)


def penalty(
    amount: int,
    due: date,
    as_of: date,
    payments: Sequence[tuple[date, int]] = (),
    rules: Sequence[PenaltyRule] = DEFAULT_RULES,
) -> Penalty:
    """The penalty on ``amount`` kopecks due on ``due`` (day 1 of the debt is the next day), reckoned on ``as_of``.

    ``payments`` are (day, kopecks) paid towards this debt; money paid on a day stops the penalty on it from that
    day. Days after ``as_of`` are not counted.
    """
    if amount < 0:
        raise ValueError("a debt is not negative")
    rule = rule_on(as_of, rules)
    paid = sorted(payments)
    first_penalty_day = due + timedelta(days=rule.free_days + 1)
    second_start = due + timedelta(days=rule.second_from_day)
    runs: list[PenaltyDay] = []
    day = first_penalty_day
    while day <= as_of:
        owed = amount - sum(kopecks for paid_on, kopecks in paid if paid_on <= day)
        if owed <= 0:
            break
        divisor = rule.first_divisor if day < second_start else rule.second_divisor
        # The run lasts while neither the debt nor the share changes: up to the next payment or threshold.
        ends = [as_of]
        ends += [paid_on - timedelta(days=1) for paid_on, _kopecks in paid if paid_on > day]
        if day < second_start:
            ends.append(second_start - timedelta(days=1))
        last = min(ends)
        days = (last - day).days + 1
        share = Fraction(rule.rate) / divisor
        runs.append(PenaltyDay(day, last, days, owed, divisor, owed * share * days))
        day = last + timedelta(days=1)
    exact = sum((run.amount for run in runs), Fraction(0))
    total = int(Decimal(exact.numerator / Decimal(exact.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return Penalty(total, tuple(runs), rule, first_penalty_day)
