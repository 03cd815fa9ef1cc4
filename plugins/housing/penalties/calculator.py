"""Penalties (пени) for late payment of housing and utility charges (ЖК РФ, art. 155 p. 14).

Nothing for the first 30 days of a debt; from day 31 to day 90, 1/300 of the rate per day; from day 91, 1/130.
The rate and the thresholds are dated rules a tenant keeps in its settings (:class:`PenaltyRule`,
:mod:`plugins.housing.settings`). Each day of a debt is reckoned by the rule in force on that day, so a rule that
changes while a debt is unpaid applies from its date on. Amounts are integer kopecks; the sum is exact
(fractions) and rounded half up to a kopeck once, at the end.

Worked example: 5,000 ₽ paid 100 days late at 9.5 % → 60 days × 5000 × 0.095/300 + 10 days × 5000 × 0.095/130
= 95.00 + 36.54 = 131.54 ₽.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class PenaltyRule:
    """A penalty rule in force from ``valid_from``: the annual rate and the day thresholds."""

    valid_from: date
    rate: Decimal  # per year, e.g. Decimal("0.095")
    free_days: int = 30  # days 1..free_days carry no penalty
    first_divisor: int = 300  # 1/300 of the rate per day after the free days …
    second_from_day: int = 91  # … and 1/130 from this day of the debt on
    second_divisor: int = 130

    def divisor_on(self, day_of_debt: int) -> int | None:
        """The divisor for day ``day_of_debt`` (1 = the day after the due date), ``None`` for a free day."""
        if day_of_debt <= self.free_days:
            return None
        return self.first_divisor if day_of_debt < self.second_from_day else self.second_divisor


#: The default rules: the key rate fixed at 9.5 % for penalties until 2027-01-01 (Government decree № 329);
#: a tenant adds the rule that applies after that date in its settings.
DEFAULT_RULES: tuple[PenaltyRule, ...] = (PenaltyRule(date(2022, 2, 28), Decimal("0.095")),)


@dataclass(frozen=True)
class PenaltyDay:
    """A run of days of one debt with the same debt, rule and daily share: what the calculator shows a resident."""

    first: date
    last: date
    days: int
    debt: int  # kopecks owed on these days
    divisor: int  # the 300 or 130 of "1/300 of the rate"
    amount: Fraction  # kopecks, exact
    rate: Decimal = Decimal(0)  # the annual rate of the rule in force on these days


@dataclass(frozen=True)
class Penalty:
    """The penalty of one debt as of a day: the total in kopecks and the runs it is made of."""

    total: int
    runs: tuple[PenaltyDay, ...]
    rule: PenaltyRule | None  # the rule in force on the day of reckoning (None before the first rule)
    first_penalty_day: date  # day 31 of the debt (by the default rule): a warning is due before it


def rule_on(day: date, rules: Sequence[PenaltyRule] = DEFAULT_RULES) -> PenaltyRule:
    """The rule in force on ``day`` (the latest one that started on or before it)."""
    in_force = [rule for rule in rules if rule.valid_from <= day]
    if not in_force:
        raise ValueError(f"no penalty rule is in force on {day.isoformat()}")
    return max(in_force, key=lambda rule: rule.valid_from)


def _rule_or_none(day: date, rules: Sequence[PenaltyRule]) -> PenaltyRule | None:
    started = [rule for rule in rules if rule.valid_from <= day]
    return max(started, key=lambda rule: rule.valid_from) if started else None


def first_penalty_day(due: date, rules: Sequence[PenaltyRule] = DEFAULT_RULES) -> date:
    """The first day of a debt due on ``due`` that carries a penalty (day 31 by the default rule)."""
    longest = max(rule.free_days for rule in rules) + 1
    first_rule = min(rule.valid_from for rule in rules)
    for number in range(1, longest + 1):
        day = due + timedelta(days=number)
        rule = _rule_or_none(day, rules)
        if rule is not None and rule.divisor_on(number) is not None:
            return day
    return max(due + timedelta(days=longest), first_rule)


def kopecks(exact: Fraction) -> int:
    """Round an exact amount half up to whole kopecks."""
    return int((Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def penalty(
    amount: int,
    due: date,
    as_of: date,
    payments: Sequence[tuple[date, int]] = (),
    rules: Sequence[PenaltyRule] = DEFAULT_RULES,
) -> Penalty:
    """The penalty on ``amount`` kopecks due on ``due`` (day 1 of the debt is the next day), reckoned on ``as_of``.

    ``payments`` are (day, kopecks) paid towards this debt (a negative amount takes a payment back); the penalty runs
    up to and including the day of payment (ЖК РФ 155.14: "по день фактической оплаты") and stops on the money paid
    from the next day. Days after ``as_of`` are not counted; days before the first rule carry no penalty.
    """
    if amount < 0:
        raise ValueError("a debt is not negative")
    paid = sorted(payments)
    # The day of payment still carries the penalty ("по день фактической оплаты"): the debt is less the next day.
    changes = sorted({day + ONE_DAY for day, _kopecks in paid} | {rule.valid_from for rule in rules})
    runs: list[PenaltyDay] = []
    day = due + ONE_DAY
    while day <= as_of:
        rule = _rule_or_none(day, rules)  # no rule yet: no penalty on these days
        number = (day - due).days
        owed = amount - sum(kopecks for paid_on, kopecks in paid if paid_on < day)
        # The run lasts while neither the debt, the rule nor the share changes.
        ends = [as_of] + [change - ONE_DAY for change in changes if change > day]
        if rule is not None and number <= rule.free_days:
            ends.append(due + timedelta(days=rule.free_days))
        elif rule is not None and number < rule.second_from_day:
            ends.append(due + timedelta(days=rule.second_from_day - 1))
        last = min(ends)
        divisor = rule.divisor_on(number) if rule is not None else None
        if owed > 0 and rule is not None and divisor is not None:
            days = (last - day).days + 1
            exact = owed * Fraction(rule.rate) / divisor * days
            runs.append(PenaltyDay(day, last, days, owed, divisor, exact, rule.rate))
        day = last + ONE_DAY
    total = kopecks(sum((run.amount for run in runs), Fraction(0)))
    reckoned_by = _rule_or_none(max(as_of, due + ONE_DAY), rules)
    return Penalty(total, tuple(runs), reckoned_by, first_penalty_day(due, rules))
