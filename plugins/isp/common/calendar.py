"""Days and money per day: the tenant's "today", and a monthly fee split into daily charges.

A month's fee is charged daily. Day ``d`` of a month with ``n`` days costs
``fee·d // n − fee·(d−1) // n``: the daily amounts differ by at most one kopeck, the rounding
remainder is spread over the month, and the days of a month always add up to the fee exactly.
A part of a month costs the sum of its days, so proration is exact to the kopeck too.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.api import Tenant


def tenant_zone(tenant: Tenant) -> ZoneInfo:
    return tenant.zone


def tenant_today(tenant: Tenant, now: datetime | None = None) -> date:
    """The calendar day at the tenant's location (the tenant's time zone decides the charge day)."""
    return tenant.today(now)


def days_in_month(day: date) -> int:
    return _calendar.monthrange(day.year, day.month)[1]


def day_amount(monthly_fee: int, day: date) -> int:
    """What ``day`` costs of ``monthly_fee`` kopecks per month."""
    n = days_in_month(day)
    d = day.day
    return monthly_fee * d // n - monthly_fee * (d - 1) // n


def daily_amounts(monthly_fee: int, year: int, month: int) -> list[int]:
    """The daily charges of one month, day 1 first; they sum to ``monthly_fee``."""
    first = date(year, month, 1)
    return [day_amount(monthly_fee, first.replace(day=d)) for d in range(1, days_in_month(first) + 1)]


def prorated(monthly_fee: int, first: date, last: date) -> int:
    """What the days ``first``..``last`` (inclusive, any months) cost at ``monthly_fee`` per month."""
    total = 0
    day = first
    while day <= last:
        n = days_in_month(day)
        month_last = min(last, day.replace(day=n))
        # Days a..b of a month cost fee·b//n − fee·(a−1)//n (the daily amounts telescope).
        total += monthly_fee * month_last.day // n - monthly_fee * (day.day - 1) // n
        day = month_last + timedelta(days=1)
    return total


def first_of_next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def days(first: date, last: date):
    """Every day from ``first`` to ``last`` inclusive."""
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
