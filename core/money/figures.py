"""What the money pages show, computed once for the web pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, func, select

from core.accounts.models import PersonalAccount
from core.db import session
from core.db.keyset import KeysetPage, keyset_page
from core.db.memo import request_memo
from core.ledger.models import LedgerTransaction, Posting
from core.money.outlook import ChargeOutlook, CostSpan, MoneyOwed, days_covered, stops_on
from core.plugins.state import tenant_hooks
from core.tenants.models import Tenant

KIND_CHARGE = "charge"
KIND_PAYMENT = "payment"
KIND_CORRECTION = "correction"
KIND_REVERSAL = "reversal"


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
        cost = sum(c for c in tenant_hooks(tenant).daily_cost(tenant=tenant, account=account) if c and c > 0)
        if cost > 0:
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


def _operations_query(
    account: PersonalAccount,
    start: datetime | None = None,
    end: datetime | None = None,
    kinds: list[str] | None = None,
) -> Select:
    """The account's postings with their transaction's memo and data (one query, no N+1), not yet ordered."""
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
    return stmt


def _operation(row) -> Operation:
    posting, memo, meta = row
    return Operation(
        posting.id,
        posting.occurred_at,
        posting.kind,
        posting.amount,
        posting.service,
        posting.period,
        memo or "",
        meta or {},
    )


def operations(
    account: PersonalAccount,
    start: datetime | None = None,
    end: datetime | None = None,
    kinds: list[str] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Operation]:
    """The account's postings, newest first, with one query (memo joined, no N+1)."""
    stmt = _operations_query(account, start, end, kinds)
    stmt = stmt.order_by(Posting.occurred_at.desc(), Posting.id.desc()).limit(limit).offset(offset)
    return [_operation(row) for row in session.execute(stmt).all()]


def operations_page(
    account: PersonalAccount,
    start: datetime | None = None,
    end: datetime | None = None,
    kinds: list[str] | None = None,
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
) -> KeysetPage[Operation]:
    """One keyset page of the account's postings (of ``kinds`` if given), newest first, and how many the period
    has (two statements).

    The operator's statement and the subscriber's history: however many operations the period holds, a page
    reads ``size`` of them (see :mod:`core.db.keyset` for the ``after``/``before`` cursors).
    """
    page = keyset_page(
        _operations_query(account, start, end, kinds),
        (Posting.occurred_at.desc(), Posting.id.desc()),
        lambda row: (row[0].occurred_at, row[0].id),
        size=size,
        after=after,
        before=before,
    )
    return page.map(_operation)


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
    """Payments and charges per month (in the tenant's time zone) from ``first`` to ``last`` inclusive.

    Summed by the database in one statement (a month is a range of instants, so the tenant's time zone
    is applied to the bounds, not to each posting): twelve months of 100,000 operations read twelve rows.
    A payment or a positive correction counts as paid; a charge or a negative correction as charged;
    a reversal gives back what it reverses (a reversed charge lowers the month's charges).
    """
    tz = tenant.zone
    months = month_range(first, last)
    if not months:
        return []
    starts = [month_start(month, tz) for month in months]
    last_start = starts[-1]
    end = datetime(last_start.year + (last_start.month == 12), last_start.month % 12 + 1, 1, tzinfo=tz)
    bounds = [*starts[1:], end]
    month = case(
        *((Posting.occurred_at < bound, index) for index, bound in enumerate(bounds[:-1])),
        else_=len(bounds) - 1,
    ).label("month_index")
    paid = case(
        (and_(Posting.amount > 0, Posting.kind.in_((KIND_PAYMENT, KIND_CORRECTION))), Posting.amount),
        else_=0,
    )
    charged = case(
        (and_(Posting.amount < 0, Posting.kind.in_((KIND_CHARGE, KIND_CORRECTION))), -Posting.amount),
        (Posting.kind == KIND_REVERSAL, -Posting.amount),
        else_=0,
    )
    rows = session.execute(
        select(month, func.sum(paid), func.sum(charged))
        .where(
            Posting.ledger_account_id == account.ledger_account_id,
            Posting.occurred_at >= starts[0],
            Posting.occurred_at < end,
        )
        .group_by(month)
    ).all()
    totals = {index: (int(paid_sum or 0), int(charged_sum or 0)) for index, paid_sum, charged_sum in rows}
    return [MonthTotals(m, *totals.get(index, (0, 0))) for index, m in enumerate(months)]
