"""The isp plugin's answers to core's money hooks: the charges ahead (``charge_outlook``) and credit owed
back (``money_owed``), so every page, the receipt and the API count a promised payment as debt and
"enough for N days" counts what is really charged (a voluntary block's days cost its fee, not the fee
of the services).

A day costs the monthly fee of the services running on it divided by the days of its month (rounded
up, as "enough for N days" always was); the charge period is the calendar month.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from core.api import (
    ChargeOutlook,
    CostSpan,
    MoneyOwed,
    PersonalAccount,
    Tenant,
    plugin_settings,
    session,
)
from plugins.isp.common.calendar import days_in_month, first_of_next_month, tenant_zone
from plugins.isp.contracts.service import contract_of
from plugins.isp.contracts.state import active_promise, contract_freezes
from plugins.isp.models import ACTIVE, FINISHED, SCHEDULED, Contract, Freeze, Promise

HORIZON_MONTHS = 25


def _first_uncharged(contract: Contract, today: date) -> date:
    running = [s for s in contract.subscriptions if s.covers(today) and s.bundled_with_id is None]
    if running and all(s.charged_through is not None and s.charged_through >= today for s in running):
        return today + timedelta(days=1)
    return today


def _freezes(contract: Contract, first: date) -> list[Freeze]:
    live = (SCHEDULED, ACTIVE, FINISHED)
    return [f for f in contract_freezes(contract) if f.status in live and f.last_day >= first]


def _cost_on(contract: Contract, freezes: list[Freeze], day: date) -> int:
    freeze = next((f for f in freezes if f.covers(day)), None)
    if freeze is not None:
        return freeze.fee if freeze.fee_kind == "daily" else 0
    fee = sum(s.product.monthly_fee for s in contract.subscriptions if s.covers(day) and s.bundled_with_id is None)
    return -(-fee // days_in_month(day)) if fee else 0


def _boundaries(contract: Contract, freezes: list[Freeze], first: date) -> list[date]:
    days = {first}
    month = first
    for _ in range(HORIZON_MONTHS):
        month = first_of_next_month(month)
        days.add(month)
    for sub in contract.subscriptions:
        days.add(sub.starts_on)
        if sub.ends_on is not None:
            days.add(sub.ends_on + timedelta(days=1))
    for freeze in freezes:
        days.update((freeze.starts_on, freeze.last_day + timedelta(days=1)))
    return sorted(day for day in days if first <= day <= month)


def charge_outlook(tenant: Tenant, account: PersonalAccount, today: date) -> ChargeOutlook | None:
    """The contract's cost per day from its first uncharged day, month by month (``None``: not a contract)."""
    contract = contract_of(account)
    if contract is None:
        return None
    first = _first_uncharged(contract, today)
    freezes = _freezes(contract, first)
    cuts = _boundaries(contract, freezes, first)
    spans = []
    for start, following in zip(cuts, [*cuts[1:], None], strict=True):
        last = following - timedelta(days=1) if following is not None else None
        spans.append(CostSpan(start, last, _cost_on(contract, freezes, start)))
    return ChargeOutlook(
        spans=tuple(spans),
        period_end=first_of_next_month(first) - timedelta(days=1),
        blocked=contract.is_blocked,
        resume_balance=0,  # blocking.refresh: a balance of zero or more brings services back
        grace_days=plugin_settings(tenant, "isp").block_grace_days,
    )


def money_owed(tenant: Tenant, account: PersonalAccount, at: datetime | None) -> list[MoneyOwed]:
    """The promised credit still on the balance at ``at`` (now when ``None``), with the day it is taken back."""
    contract = contract_of(account)
    if contract is None:
        return []
    if at is None:  # the active promise (the same question, and answer, as the promise service's)
        active = active_promise(contract)
        promises = [active] if active is not None else []
    else:
        promises = session.scalars(
            select(Promise).where(
                Promise.contract_id == contract.id,
                Promise.granted_at < at,
                or_(Promise.closed_at.is_(None), Promise.closed_at >= at),
            )
        )
    zone = tenant_zone(tenant)
    return [MoneyOwed(p.amount, p.due_at.astimezone(zone).date(), str(_l("Promised payment"))) for p in promises]
