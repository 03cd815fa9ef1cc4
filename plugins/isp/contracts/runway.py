"""Which contracts will run out of money soon: the "will run out in N days" list, in SQL.

The same arithmetic as "enough for N days" on the subscriber's card (a month's fee spread over the
month's days), written as one condition so the operator's list and its counter need no loop in Python.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, select

from core.api import ledger
from plugins.isp.common.calendar import days_in_month
from plugins.isp.models import Contract, Product, Subscription

LedgerAccount = ledger.LedgerAccount
RUNWAY_DAYS = 3


def monthly_fee_on(day: date):
    """SQL: the monthly fee of ``Contract``'s services running on ``day`` (bundled packages are in the tariff)."""
    return (
        select(func.coalesce(func.sum(Product.monthly_fee), 0))
        .select_from(Subscription)
        .join(Product, Product.id == Subscription.product_id)
        .where(
            Subscription.contract_id == Contract.id,
            Subscription.bundled_with_id.is_(None),
            Subscription.starts_on <= day,
            (Subscription.ends_on.is_(None)) | (Subscription.ends_on >= day),
        )
        .correlate(Contract)
        .scalar_subquery()
    )


def runs_out_within(day: date, days: int = RUNWAY_DAYS):
    """SQL: not blocked, the balance not negative yet, and less than ``days`` days of fees left.

    Needs ``LedgerAccount`` joined (the contracts list and the counter both join it).
    """
    fee = monthly_fee_on(day)
    return and_(
        Contract.blocked_since.is_(None),
        LedgerAccount.balance >= 0,
        fee > 0,
        LedgerAccount.balance * days_in_month(day) < fee * days,
    )
