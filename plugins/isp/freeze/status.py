"""A voluntary block along its dates: the status it shows, the moves the job makes, the one-time fee.

Life of a :class:`~plugins.isp.models.Freeze`: *scheduled* → *active* on its first day (a one-time
fee is posted then, key ``isp:freeze:<id>:fee``) → *finished* after its last day; or *cancelled*
before it starts. :func:`advance` makes those moves and tells the subscriber; the ``isp.freezes`` job
runs it every five minutes and is the source of truth for notifications. Readers never wait for the
job: :func:`shown_status` and :func:`plugins.isp.contracts.state.freeze_on` go by the dates. The daily charge
run skips frozen days (or charges ``fee`` per day when ``fee_kind`` is ``daily``) from the row itself.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, or_, select

from core.api import Tenant, TenantJob, ledger, session
from plugins.isp.common.calendar import tenant_today, tenant_zone
from plugins.isp.contracts import blocking
from plugins.isp.freeze.notices import tell
from plugins.isp.freeze.rules import FEE_ONCE, REVENUE_SERVICE
from plugins.isp.models import ACTIVE, FINISHED, SCHEDULED, Freeze


def shown_status(freeze: Freeze, today: date) -> str:
    """The block's status on ``today`` by its dates (does not wait for the job to move it)."""
    if freeze.status in (SCHEDULED, ACTIVE):
        if freeze.last_day < today:
            return FINISHED
        return ACTIVE if freeze.starts_on <= today else SCHEDULED
    return freeze.status


def advance(tenant: Tenant, freeze: Freeze, now: datetime, today: date | None = None) -> None:
    """Move ``freeze`` to where its dates say it is on ``today``; post the one-time fee; notify.

    Safe to repeat: the fee's key is ``isp:freeze:<id>:fee`` and notices are de-duplicated.
    """
    today = today or tenant_today(tenant, now)
    contract = freeze.contract
    if freeze.status == SCHEDULED and freeze.starts_on <= today:
        freeze.status = ACTIVE
        session.flush()
        _post_fee(tenant, freeze)
        tell(tenant, contract, "started", freeze)
        blocking.refresh(tenant, contract, now)
    if freeze.status == ACTIVE and freeze.last_day < today:
        freeze.status = FINISHED
        freeze.open_slot = None
        session.flush()
        tell(tenant, contract, "finished", freeze)
        blocking.refresh(tenant, contract, now)


def _post_fee(tenant: Tenant, freeze: Freeze) -> None:
    if freeze.fee_kind != FEE_ONCE or freeze.fee <= 0:
        return
    day = freeze.starts_on
    ledger.transfer(
        f"isp:freeze:{freeze.id}:fee",
        "charge",
        freeze.contract.account.ledger_account,
        ledger.revenue_account(REVENUE_SERVICE),
        freeze.fee,
        service=REVENUE_SERVICE,
        period=f"{day.year:04d}-{day.month:02d}",
        occurred_at=datetime.combine(day, time(0, 0), tenant_zone(tenant)),
        memo=f"Voluntary block {freeze.starts_on.isoformat()}..{freeze.ends_on.isoformat()}",
    )


def due_freezes(today: date) -> list[Freeze]:
    """Blocks of the current tenant whose status is behind their dates on ``today``."""
    return list(
        session.scalars(
            select(Freeze)
            .where(
                or_(
                    (Freeze.status == SCHEDULED) & (Freeze.starts_on <= today),
                    (Freeze.status == ACTIVE) & (func.coalesce(Freeze.ended_on, Freeze.ends_on) < today),
                )
            )
            .order_by(Freeze.id)
        )
    )


def run_freezes(tenant: Tenant, now: datetime) -> dict[str, int]:
    """The ``isp.freezes`` job for one tenant (core runs it per tenant): start and finish blocks on their days."""
    today = tenant_today(tenant, now)
    moved = 0
    for freeze in due_freezes(today):
        advance(tenant, freeze, now, today)
        moved += 1
    return {"moved": moved}


def jobs() -> list[TenantJob]:
    """The plugin's freeze job (every five minutes)."""
    return [TenantJob("isp.freezes", "isp", run_freezes, every_seconds=300)]
