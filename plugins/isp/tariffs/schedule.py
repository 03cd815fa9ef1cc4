"""A tariff change in the subscriptions: written at once, marked applied on its day (and the job for that).

A change is written as subscriptions when it is ordered: the current tariff ends the day before
``effective_on`` and the new one starts on it, so the daily charging bills every day at the right
price without knowing about changes. The :class:`TariffChange` row stays ``pending`` (holding the
contract's ``pending_slot``) until ``effective_on``; :func:`settle_due` then marks it applied.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.api import Tenant, TenantJob, User, session, utcnow
from plugins.isp.common.calendar import tenant_today
from plugins.isp.common.refusals import Refusal, Refused
from plugins.isp.contracts.service import end_subscription, subscribe
from plugins.isp.contracts.state import pending_change
from plugins.isp.models import APPLIED, PENDING, Contract, Product, Subscription, TariffChange
from plugins.isp.tariffs.notices import N_changed_body, N_changed_title, tell
from plugins.isp.tariffs.quote import ONE_DAY


def schedule_change(
    contract: Contract,
    current: Subscription | None,
    target: Product,
    effective_on: date,
    fee: int,
    user: User | None,
    today: date,
    now: datetime,
) -> TariffChange:
    """Write the change: the pending row (the slot decides "one at a time"), end the old, start the new.

    Raises :class:`Refused` (``pending_change``) when another change holds the slot.
    """
    if current is None:
        raise ValueError("nothing to change from")
    change = TariffChange(
        contract_id=contract.id,
        subscription_id=current.id,
        to_product_id=target.id,
        effective_on=effective_on,
        fee=fee,
        status=PENDING,
        pending_slot=contract.id,
        requested_by_id=user.id if user is not None else None,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(change)
            session.flush()
    except IntegrityError:
        raise Refused([Refusal("pending_change", _l("A tariff change is already ordered. Cancel it first."))]) from None
    end_subscription(current, effective_on - ONE_DAY)
    new = subscribe(contract, target, effective_on)
    if current.charged_through is not None and current.charged_through >= effective_on:
        # Those days are already charged at the old price: the new tariff is charged from the day after.
        for sub in [new, *[s for s in contract.subscriptions if s.bundled_with_id == new.id]]:
            sub.charged_through = current.charged_through
    if effective_on <= today:
        _mark_applied(change, now)
    session.flush()
    return change


def _mark_applied(change: TariffChange, now: datetime) -> None:
    change.status = APPLIED
    change.pending_slot = None
    change.decided_at = now


def ordered_change(contract: Contract, today: date) -> TariffChange | None:
    """The contract's change that is ordered and has not started yet (the one a subscriber may cancel)."""
    change = pending_change(contract)
    return change if change is not None and change.effective_on > today else None


def settle_due(tenant: Tenant, contract: Contract, now: datetime | None = None) -> TariffChange | None:
    """Mark the contract's pending change applied once its day has come (the subscriptions are already there)."""
    now = now or utcnow()
    change = pending_change(contract)
    if change is None or change.effective_on > tenant_today(tenant, now):
        return None
    _mark_applied(change, now)
    session.flush()
    tell(tenant, contract, N_changed_title, N_changed_body, f"isp:tariff_change:{change.id}:applied")
    return change


def settle_all(tenant: Tenant, now: datetime) -> int:
    """Mark every change of ``tenant`` whose day has come applied; returns how many (the caller commits)."""
    today = tenant_today(tenant, now)
    due = session.scalars(
        select(TariffChange).where(TariffChange.status == PENDING, TariffChange.effective_on <= today)
    ).all()
    for change in due:
        settle_due(tenant, change.contract, now)
    return len(due)


def run_settle(tenant: Tenant, now: datetime) -> dict[str, int]:
    """The job for one tenant (core runs it per tenant): apply the tariff changes whose day has come."""
    return {"applied": settle_all(tenant, now)}


def jobs() -> list[TenantJob]:
    """The plugin's tariff change job (every ten minutes)."""
    return [TenantJob("isp.tariff_changes.apply", "isp", run_settle, every_seconds=600)]
