"""What lies ahead for a subscriber's money: credit owed back, charges to come, when the money runs out.

Plugins say what they know through two hooks — ``money_owed`` (credit on the balance that is not the
subscriber's, e.g. a promised payment, with the day it is taken back) and ``charge_outlook`` (the cost
per day from the first day not charged yet, the end of the charge period, whether services are stopped
now). This module only does the arithmetic on those values; :func:`core.money.figures.balance_view`
puts them together for every page and the API. Core knows no plugin: with no answer there is simply
nothing owed and no outlook.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

HORIZON_DAYS = 731  # "enough for N days" looks two years ahead at most


@dataclass(frozen=True)
class MoneyOwed:
    """Money on the balance that is not the subscriber's: ``amount`` kopecks taken back on ``due_on``.

    ``title`` names it in the page's language (e.g. "Promised payment"). The balance already holds the
    amount; the subscriber's own money is the balance minus everything owed.
    """

    amount: int
    due_on: date
    title: str


@dataclass(frozen=True)
class CostSpan:
    """From ``first_day`` to ``last_day`` (inclusive; ``None``: open-ended) each day costs ``per_day`` kopecks."""

    first_day: date
    last_day: date | None
    per_day: int

    def covers(self, day: date) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


@dataclass(frozen=True)
class ChargeOutlook:
    """What a plugin knows of the charges ahead.

    ``spans`` start at the first day not charged yet and say what each day really costs (a voluntary
    block's days cost its fee, not the services'); a day no span covers costs nothing. ``period_end``
    is the last day of the charge period the "keep the services on" amount pays for. ``blocked``: the
    services are stopped for debt now. ``resume_balance``: the balance at which stopped services come
    back at once (``None``: paying does not bring them back by itself). ``grace_days``: how many days
    services stay on after the money runs out.
    """

    spans: tuple[CostSpan, ...]
    period_end: date
    blocked: bool = False
    resume_balance: int | None = 0
    grace_days: int = 0

    @property
    def first_day(self) -> date | None:
        return min((span.first_day for span in self.spans), default=None)

    def cost_on(self, day: date) -> int:
        return sum(span.per_day for span in self.spans if span.covers(day))

    def cost_through(self, last_day: date) -> int:
        """What the days from the first uncharged day through ``last_day`` cost."""
        first = self.first_day
        if first is None:
            return 0
        total, day = 0, first
        while day <= last_day:
            total += self.cost_on(day)
            day += timedelta(days=1)
        return total


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
