"""What lies ahead for a subscriber's money: credit owed back, charges to come, when the money runs out.

Plugins say what they know through two hooks — ``money_owed`` (credit on the balance that is not the
subscriber's, e.g. a promised payment, with the day it is taken back) and ``charge_outlook`` (the cost
per day from the first day not charged yet, the end of the charge period, whether services are stopped
now). The value types live in :mod:`core.plugins.types`; this module only does the arithmetic, and
:func:`core.money.figures.balance_view` puts it together for every page and the API. Core knows no
plugin: with no answer there is simply nothing owed and no outlook.
"""

from __future__ import annotations

from datetime import date, timedelta

from core.plugins.types import ChargeOutlook, CostSpan, MoneyOwed

__all__ = ["ChargeOutlook", "CostSpan", "MoneyOwed", "days_covered", "stops_on"]

HORIZON_DAYS = 731  # "enough for N days" looks two years ahead at most


def days_covered(outlook: ChargeOutlook, money: int) -> tuple[int, date | None] | None:
    """How many days ``money`` pays for from the first uncharged day, and the last of them.

    ``None`` when nothing is charged ahead (or the money outlasts the horizon): no "enough for N days".
    """
    first = outlook.first_day
    if first is None or not any(span.per_day > 0 for span in outlook.spans):
        return None
    if money < 0:
        return 0, None
    day, count = first, 0
    for _ in range(HORIZON_DAYS):
        cost = outlook.cost_on(day)
        if money < cost:
            break
        money -= cost
        count += 1
        day += timedelta(days=1)
    else:
        return None
    return count, (day - timedelta(days=1)) if count else None


def stops_on(outlook: ChargeOutlook, balance: int, owed: tuple[MoneyOwed, ...], today: date) -> date | None:
    """The day services stop unless the subscriber pays: the balance (credit taken back on its day) goes below zero.

    ``None`` when they are stopped already or do not stop within the horizon.
    """
    if outlook.blocked:
        return None
    first = outlook.first_day or today
    start = day = min(first, today)
    money = balance
    for _ in range(HORIZON_DAYS):
        money -= sum(item.amount for item in owed if max(item.due_on, start) == day)
        if day >= first:
            money -= outlook.cost_on(day)
        if money < 0:
            return day + timedelta(days=outlook.grace_days)
        day += timedelta(days=1)
    return None
