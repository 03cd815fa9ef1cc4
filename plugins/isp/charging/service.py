"""Daily charging: every running service's share of its monthly fee for one day, posted exactly once.

The run for a day selects the subscriptions that are due (running that day, not bundled into a
tariff, with a fee, not yet charged for it) in chunks ordered by contract, so each chunk is a few
set-based statements: one select (:mod:`~plugins.isp.charging.selection`), one
:func:`ledger.post_transfers` and one ``UPDATE`` of ``charged_through``
(:mod:`~plugins.isp.charging.chunk`), the low-balance reminders
(:mod:`~plugins.isp.charging.reminders`), one commit. A crash loses at most the chunk in flight; a re-run continues
where it stopped, and the ledger's idempotency key ``isp:charge:<subscription>:<day>`` makes
charging twice impossible even if ``charged_through`` were behind. Memory stays flat in the number
of subscribers: nothing but the current chunk is held.

A contract blocked for debt is not charged (blocked days are not billed), a voluntarily blocked
one is charged the freeze's daily fee instead (if the tenant set one); either way its subscriptions
are marked charged for the day, so a later catch-up does not bill those days. After a day's charges
every contract in debt is passed to :func:`blocking.refresh` (it blocks at once or after the
tenant's grace period), and subscribers whose money lasts ``low_balance_days`` or less get a reminder.

This module is the run's orchestration and public API; the names other modules use
(:class:`ChargeResult`, :func:`charge_key`, :func:`freeze_key`, :func:`start_of_day`) are re-exported here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import lazyload

from core.api import (
    PersonalAccount,
    Tenant,
    TenantJob,
    plugin_settings,
    session,
    utcnow,
    young_collections_only,
)
from plugins.isp.charging.chunk import build_chunk, post_chunk
from plugins.isp.charging.plan import JOB_TRIGGER, ChargeResult, charge_key, freeze_key, make_plan, start_of_day
from plugins.isp.charging.reminders import remind_low_balances
from plugins.isp.charging.selection import LedgerAccount, count_due, due_chunks
from plugins.isp.common.calendar import days, tenant_today
from plugins.isp.contracts import blocking
from plugins.isp.models import ChargeRun, Contract, Product, Subscription

__all__ = [
    "CHUNK_SIZE",
    "ChargeResult",
    "charge_day",
    "charge_key",
    "charge_tenant",
    "charge_until",
    "first_uncharged_day",
    "freeze_key",
    "jobs",
    "refresh_debtors",
    "start_of_day",
]

log = logging.getLogger(__name__)

CHUNK_SIZE = 20_000

ChunkCallback = Callable[[ChargeResult], None]


# --- after the charges: blocking ------------------------------------------------------------------


def refresh_debtors(tenant: Tenant, now: datetime, chunk_size: int = CHUNK_SIZE) -> int:
    """Run :func:`blocking.refresh` for every unblocked contract in debt (or in a grace period).

    Set-based: one query per ``chunk_size`` contracts finds them, commits per chunk. Returns how
    many contracts were blocked.
    """
    grace_days = plugin_settings(tenant, "isp").block_grace_days
    blocked = 0
    last = 0
    while True:
        ids = session.scalars(
            select(Contract.id)
            .join(PersonalAccount, PersonalAccount.id == Contract.personal_account_id)
            .join(LedgerAccount, LedgerAccount.id == PersonalAccount.ledger_account_id)
            .where(
                Contract.blocked_since.is_(None),
                Contract.id > last,
                or_(LedgerAccount.balance < 0, Contract.negative_since.is_not(None)),
            )
            .order_by(Contract.id)
            .limit(chunk_size)
        ).all()
        if not ids:
            return blocked
        debtors = select(Contract).where(Contract.id.in_(ids)).order_by(Contract.id)
        # account and balance come joined; the subscriptions are not needed to decide a block
        for contract in session.scalars(debtors.options(lazyload(Contract.subscriptions))):
            if blocking.refresh(tenant, contract, now, grace_days=grace_days) == blocking.BLOCKED:
                blocked += 1
        session.commit()
        last = ids[-1]


# --- the runs -------------------------------------------------------------------------------------


def _moment(tenant: Tenant, day: date, now: datetime) -> datetime:
    """When a day's charge "happens" for blocking: now for today, the start of the day otherwise
    (a catch-up of past days blocks and counts grace days as if it had run on time)."""
    return now if tenant_today(tenant, now) == day else start_of_day(tenant, day)


def _record(run: ChargeRun | None, result: ChargeResult, finished: datetime | None = None) -> ChargeRun:
    if run is None:
        run = ChargeRun(day=result.day, trigger=result.trigger)
        session.add(run)
    run.charges = result.charges
    run.total = result.total
    run.blocked = result.blocked
    run.details = result.details()
    run.finished_at = finished
    session.flush()
    result.run_id = run.id
    return run


def charge_day(
    tenant: Tenant,
    day: date,
    *,
    dry_run: bool = False,
    trigger: str = JOB_TRIGGER,
    now: datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: ChunkCallback | None = None,
) -> ChargeResult:
    """Charge every subscription due on ``day`` in the current tenant; returns the totals.

    Commits after each chunk of about ``chunk_size`` subscriptions (the caller's open work is
    committed with the first one), then passes contracts in debt to :func:`blocking.refresh` and
    sends low-balance reminders (for the tenant's today only). A real run is recorded as a
    :class:`ChargeRun` — except a job run that found nothing to do, so the hourly job does not fill
    the operator's list with empty runs. ``dry_run`` writes nothing and returns what would be
    charged. ``on_chunk(result)`` is called after each committed chunk (progress, tests); with it, ``result.due``
    counts the due subscriptions before the first chunk and ``result.seen`` those gone through so far.
    """
    started = time.perf_counter()
    now = now or utcnow()
    result = ChargeResult(day=day, dry_run=dry_run, trigger=trigger)
    plan = make_plan(tenant, day, dry_run=dry_run, remind=tenant_today(tenant, now) == day)
    run: ChargeRun | None = None
    product_ids = sorted(plan.prices)
    if on_chunk is not None:
        result.due = count_due(day, product_ids)
    with young_collections_only() as collect:
        for rows in due_chunks(day, product_ids, chunk_size) if product_ids else ():
            chunk = build_chunk(plan, rows, result)
            result.chunks += 1
            result.seen += len(rows)
            if dry_run:
                result.merge(chunk.totals)
            else:
                post_chunk(plan, chunk, result)
                result.reminded += remind_low_balances(tenant, plan, chunk.money)
                run = _record(run, result)
                session.commit()
                if on_chunk is not None:
                    on_chunk(result)
            del chunk
            collect()
    if not dry_run:
        result.blocked = refresh_debtors(tenant, _moment(tenant, day, now), chunk_size)
        if run is not None or trigger != JOB_TRIGGER or result.blocked:
            _record(run, result, utcnow())
            session.commit()
    result.seconds = time.perf_counter() - started
    return result


def first_uncharged_day(today: date) -> date | None:
    """The earliest day not yet charged of any chargeable subscription started by ``today``."""
    chargeable = session.scalars(select(Product.id).where(Product.monthly_fee > 0)).all()
    if not chargeable:
        return None
    common = (
        Subscription.bundled_with_id.is_(None),
        Subscription.product_id.in_(chargeable),
        Subscription.starts_on <= today,
    )
    never = session.scalar(
        select(func.min(Subscription.starts_on)).where(*common, Subscription.charged_through.is_(None))
    )
    behind = session.scalar(
        select(func.min(Subscription.charged_through)).where(
            *common,
            Subscription.charged_through < today,
            or_(Subscription.ends_on.is_(None), Subscription.ends_on > Subscription.charged_through),
        )
    )
    candidates = [d for d in (never, behind + timedelta(days=1) if behind else None) if d is not None]
    return min(candidates) if candidates else None


def charge_until(
    tenant: Tenant,
    today: date,
    *,
    dry_run: bool = False,
    trigger: str = JOB_TRIGGER,
    now: datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: ChunkCallback | None = None,
) -> list[ChargeResult]:
    """Catch up: charge every day from the earliest uncharged one through ``today``, in day order.

    Missed days (the job did not run, a subscription was entered late) are charged on their own
    dates. Always runs ``today`` (so a manual run is recorded even when nothing is due).
    """
    first = first_uncharged_day(today)
    start = min(first, today) if first is not None else today
    return [
        charge_day(tenant, day, dry_run=dry_run, trigger=trigger, now=now, chunk_size=chunk_size, on_chunk=on_chunk)
        for day in days(start, today)
    ]


def charge_tenant(tenant: Tenant, now: datetime) -> int:
    """The ``isp.charge`` job for one tenant (core runs it per tenant): catch up to today; returns charges made."""
    return sum(result.charges for result in charge_until(tenant, tenant_today(tenant, now), now=now))


def jobs() -> list[TenantJob]:
    """The periodic charge job (hourly: the first run after midnight charges the new day)."""
    return [TenantJob("isp.charge", "isp", charge_tenant, every_seconds=3600)]
