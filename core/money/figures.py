"""What the money pages show, computed once for the web pages and the API."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.accounts.models import PersonalAccount
from core.db import session
from core.ledger.models import LedgerTransaction, Posting
from core.plugins.state import tenant_hooks
from core.tenants.models import Tenant

KIND_CHARGE = "charge"
KIND_PAYMENT = "payment"


@dataclass(frozen=True)
class BalanceView:
    """The balance card: money, debt, and how long it lasts when a plugin knows the daily cost."""

    balance: int
    daily_cost: int | None
    days_left: int | None
    paid_until: date | None

    @property
    def debt(self) -> int:
        return max(0, -self.balance)


def balance_view(tenant: Tenant, account: PersonalAccount, today: date) -> BalanceView:
    balance = account.balance
    cost = tenant_hooks(tenant).daily_cost(tenant=tenant, account=account)
    if not cost or cost <= 0:
        return BalanceView(balance, None, None, None)
    days = max(0, balance // cost)
    return BalanceView(balance, cost, days, today + timedelta(days=days))


@dataclass(frozen=True)
class Operation:
    """One line of the history: a posting on the account with its transaction's memo."""

    id: int
    occurred_at: datetime
    kind: str
    amount: int
    service: str | None
    period: str | None
    memo: str
    meta: dict[str, Any] = field(default_factory=dict)  # the transaction's data, for its title (core.money.titles)


def operations(
    account: PersonalAccount,
    start: datetime | None = None,
    end: datetime | None = None,
    kinds: list[str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Operation]:
    """The account's postings, newest first, with one query (memo joined, no N+1)."""
    stmt = (
        select(Posting, LedgerTransaction.memo, LedgerTransaction.meta)
        .join(LedgerTransaction, LedgerTransaction.id == Posting.transaction_id)
        .where(Posting.ledger_account_id == account.ledger_account_id)
    )
    if start is not None:
        stmt = stmt.where(Posting.occurred_at >= start)
    if end is not None:
        stmt = stmt.where(Posting.occurred_at < end)
    if kinds:
        stmt = stmt.where(Posting.kind.in_(kinds))
    stmt = stmt.order_by(Posting.occurred_at.desc(), Posting.id.desc()).limit(limit).offset(offset)
    return [
        Operation(p.id, p.occurred_at, p.kind, p.amount, p.service, p.period, memo or "", meta or {})
        for p, memo, meta in session.execute(stmt).all()
    ]


@dataclass(frozen=True)
class MonthTotals:
    month: str  # "YYYY-MM"
    paid: int
    charged: int


def month_range(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    end_year, end_month = map(int, last.split("-"))
    months = []
    while (year, month) <= (end_year, end_month) and len(months) < 120:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def months_before(month: str, count: int) -> str:
    """``YYYY-MM`` ``count`` months before ``month`` (``"2026-03"``, 11 → ``"2025-04"``)."""
    year, number = map(int, month.split("-"))
    index = year * 12 + number - 1 - count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_start(month: str, tz: ZoneInfo) -> datetime:
    year, number = map(int, month.split("-"))
    return datetime(year, number, 1, tzinfo=tz)


def monthly_totals(tenant: Tenant, account: PersonalAccount, first: str, last: str) -> list[MonthTotals]:
    """Payments and charges per month (in the tenant's time zone) from ``first`` to ``last`` inclusive."""
    tz = tenant.zone
    months = month_range(first, last)
    if not months:
        return []
    start = month_start(months[0], tz)
    end = month_start(month_range(months[-1], months[-1])[0], tz)
    end = datetime(end.year + (end.month == 12), end.month % 12 + 1, 1, tzinfo=tz)
    totals: OrderedDict[str, list[int]] = OrderedDict((m, [0, 0]) for m in months)
    rows = session.execute(
        select(Posting.occurred_at, Posting.kind, Posting.amount).where(
            Posting.ledger_account_id == account.ledger_account_id,
            Posting.occurred_at >= start,
            Posting.occurred_at < end,
        )
    ).all()
    for occurred_at, kind, amount in rows:
        key = occurred_at.astimezone(tz).strftime("%Y-%m")
        if key not in totals:
            continue
        if amount > 0 and kind in (KIND_PAYMENT, "correction"):
            totals[key][0] += amount
        elif amount < 0 and kind in (KIND_CHARGE, "correction"):
            totals[key][1] += -amount
        elif kind == "reversal":
            totals[key][1] += -amount  # a reversed charge gives money back: it lowers the month's charges
    return [MonthTotals(m, paid, charged) for m, (paid, charged) in totals.items()]
