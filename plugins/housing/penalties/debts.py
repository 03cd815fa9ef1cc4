"""An account's debts by month and the penalty on each, by the tenant's dated rules.

A month's accruals (the billing run's :class:`~plugins.housing.models.Accrual` rows) are due by the tenant's
``payment_due_day`` of the next month. Money reaching the account (payments, corrections; everything on its
ledger account except the accruals and the posted penalties) settles the oldest month first. Each month's debt
then gets its penalty from :func:`~plugins.housing.penalties.calculator.penalty`, with the days its parts were paid.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from core.api import PersonalAccount, Tenant, ledger, plugin_settings, session
from plugins.housing.accruals.run import KIND as ACCRUAL_KIND
from plugins.housing.models import Accrual
from plugins.housing.penalties.calculator import Penalty, PenaltyRule, penalty

#: The ledger kind of posted penalties (:mod:`plugins.housing.penalties.posting`): not money received.
PENALTY_KIND = "housing_penalty"


@dataclass(frozen=True)
class Debt:
    """One month's accruals of an account and what of them is unpaid on ``as_of``, with the penalty."""

    period: date
    amount: int  # the month's accruals, kopecks
    due: date  # the last day to pay without a debt
    outstanding: int  # unpaid on ``as_of``
    days_late: int  # days of the debt on ``as_of`` (0 when paid in time or not yet due)
    payments: tuple[tuple[date, int], ...]  # (day, kopecks) that went to this month
    penalty: Penalty


@dataclass(frozen=True)
class PenaltyTerms:
    """The tenant's penalty rules and due day (from the housing settings)."""

    rules: tuple[PenaltyRule, ...]
    due_day: int


def terms(tenant: Tenant) -> PenaltyTerms:
    """The tenant's penalty rules and the day of the month a bill is due."""
    settings = plugin_settings(tenant, "housing")
    return PenaltyTerms(tuple(settings.penalty_rules), settings.payment_due_day)


def due_date(period: date, due_day: int) -> date:
    """The last day to pay ``period``'s bill: ``due_day`` of the next month."""
    following = (period.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following.replace(day=due_day)


def monthly_accruals(account: PersonalAccount) -> dict[date, int]:
    """The account's accruals per month (net of true-ups), oldest first."""
    rows = session.execute(
        select(Accrual.period, func.sum(Accrual.amount))
        .where(Accrual.personal_account_id == account.id)
        .group_by(Accrual.period)
        .order_by(Accrual.period)
    ).all()
    return {period: int(total) for period, total in rows}


def credits(tenant: Tenant, account: PersonalAccount) -> list[tuple[date, int]]:
    """Money that reached the account per local day (payments, corrections, their reversals), oldest first."""
    by_day: dict[date, int] = defaultdict(int)
    zone = tenant.zone
    for posting in ledger.statement(account.ledger_account):
        if posting.kind not in (ACCRUAL_KIND, PENALTY_KIND):
            by_day[posting.occurred_at.astimezone(zone).date()] += posting.amount
    return sorted((day, amount) for day, amount in by_day.items() if amount)


def debts(tenant: Tenant, account: PersonalAccount, as_of: date, *, with_paid: bool = False) -> list[Debt]:
    """The account's monthly debts reckoned on ``as_of`` (payments after it not counted), oldest first.

    Months already paid in full on ``as_of`` are left out unless ``with_paid`` (their penalty stays due).
    """
    rules = terms(tenant)
    money = [(day, amount) for day, amount in credits(tenant, account) if day <= as_of]
    found, covered = [], 0
    for period, amount in monthly_accruals(account).items():
        if amount <= 0:
            covered += amount  # a month that gave money back covers the next ones
            continue
        due = due_date(period, rules.due_day)
        parts = _parts(money, covered, amount)
        covered += amount
        outstanding = amount - sum(part for _day, part in parts)
        result = penalty(amount, due, as_of, parts, rules.rules)
        if outstanding <= 0 and not with_paid:
            continue
        late = (as_of - due).days if outstanding > 0 else 0
        found.append(Debt(period, amount, due, outstanding, max(0, late), tuple(parts), result))
    return found


def penalty_through(tenant: Tenant, account: PersonalAccount, day: date) -> int:
    """All the penalty the account's debts have grown up to ``day`` (months paid since included), kopecks."""
    return sum(debt.penalty.total for debt in debts(tenant, account, day, with_paid=True))


def _parts(money: list[tuple[date, int]], before: int, amount: int) -> list[tuple[date, int]]:
    """The payments that went to a month whose accruals are ``amount`` after ``before`` kopecks of earlier months:
    the growth of ``clamp(paid so far − before, 0, amount)`` day by day."""
    parts, paid, settled = [], 0, 0
    for day, kopecks in money:
        paid += kopecks
        now = min(max(paid - before, 0), amount)
        if now != settled:
            parts.append((day, now - settled))
            settled = now
    return parts
