"""What the money pages show, computed once for the web pages and the API."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.accounts.models import PersonalAccount
from core.db import session
from core.db.memo import request_memo
from core.ledger.models import LedgerTransaction, Posting
from core.money.outlook import ChargeOutlook, CostSpan, MoneyOwed, days_covered, stops_on
from core.plugins.state import tenant_hooks
from core.tenants.models import Tenant

KIND_CHARGE = "charge"
KIND_PAYMENT = "payment"


@dataclass(frozen=True)
class BalanceView:
    """A subscriber's money as every place shows it: pages, the receipt's "to pay", the API.

    ``balance`` is the ledger balance (a promised credit is in it); ``owed`` lists the credit that is not
    the subscriber's, with the day it is taken back, so ``own`` money is the balance minus that and the
    ``debt`` counts it. ``days_left``/``paid_until`` are what the own money pays for; ``stops_on`` is the
    day services stop unless paid; ``keep_on`` is what to pay now to keep them on through ``period_end``
    (the end of the charge period); ``resume_amount`` is what brings stopped services back at once.
    ``None`` where no plugin knows.
    """

    balance: int
    owed: tuple[MoneyOwed, ...] = ()
    daily_cost: int | None = None
    days_left: int | None = None
    paid_until: date | None = None
    blocked: bool = False
    stops_on: date | None = None
    period_end: date | None = None
    keep_on: int = 0
    resume_amount: int | None = None
    debt_paid_stops_on: date | None = None  # when services stop again if only the debt is paid

    @property
    def owed_total(self) -> int:
        return sum(item.amount for item in self.owed)

    @property
    def own(self) -> int:
        """The subscriber's own money: the balance without credit owed back."""
        return self.balance - self.owed_total

    @property
    def debt(self) -> int:
        """What the subscriber owes now, a promised credit included."""
        return max(0, -self.own)

    @property
    def next_due(self) -> MoneyOwed | None:
        return min(self.owed, key=lambda item: item.due_on, default=None)

    @property
    def debt_only_is_short(self) -> bool:
        """Paying only the debt leaves too little: services stop again before the period ends."""
        return self.debt > 0 and self.keep_on > self.debt


def money_owed(tenant: Tenant, account: PersonalAccount, at: datetime | None = None) -> tuple[MoneyOwed, ...]:
    """Credit on ``account``'s balance owed back at ``at`` (now when ``None``), from every plugin that knows."""
    answers = tenant_hooks(tenant).money_owed(tenant=tenant, account=account, at=at)
    return tuple(item for answer in answers for item in (answer or ()) if isinstance(item, MoneyOwed) and item.amount)


def balance_view(tenant: Tenant, account: PersonalAccount, today: date) -> BalanceView:
    """The one view of ``account``'s money on ``today`` (see :class:`BalanceView`); worked out once per request."""
    return request_memo(("balance_view", account.id, today), lambda: _balance_view(tenant, account, today))


def _balance_view(tenant: Tenant, account: PersonalAccount, today: date) -> BalanceView:
    balance = account.balance
    owed = money_owed(tenant, account)
    outlook = tenant_hooks(tenant).charge_outlook(tenant=tenant, account=account, today=today)
    if outlook is None:
        cost = tenant_hooks(tenant).daily_cost(tenant=tenant, account=account)
        if cost and cost > 0:
            outlook = ChargeOutlook((CostSpan(today, None, cost),), today)
    if outlook is None:
        return BalanceView(balance, owed)
    own = balance - sum(item.amount for item in owed)
    covered = days_covered(outlook, own)
    days, last = covered if covered is not None else (None, None)
    needed = sum(item.amount for item in owed) + outlook.cost_through(outlook.period_end)
    debt = max(0, -own)
    unblocked = ChargeOutlook(outlook.spans, outlook.period_end, grace_days=outlook.grace_days)
    again = stops_on(unblocked, balance + debt, owed, today) if debt else None
    resume = None
    if outlook.blocked and outlook.resume_balance is not None:
        resume = max(0, outlook.resume_balance - balance)
    return BalanceView(
        balance=balance,
        owed=owed,
        daily_cost=outlook.cost_on(outlook.first_day or today) or None,
        days_left=days,
        paid_until=last,
        blocked=outlook.blocked,
        stops_on=stops_on(outlook, balance, owed, today),
        period_end=outlook.period_end,
        keep_on=max(0, needed - balance),
        resume_amount=resume,
        debt_paid_stops_on=again,
    )


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
