"""What state each service of a contract is in today: active, blocked for debt, frozen, scheduled.

One place answers it for the subscriber's pages, the operator's pages and the API, so they never
disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from core.api import request_memo, session
from plugins.isp.models import (
    ACTIVE,
    CANCELLED,
    FINISHED,
    SCHEDULED,
    Contract,
    Freeze,
    Subscription,
    TariffChange,
    Termination,
)

# Service statuses (stable codes: the API returns them).
S_ACTIVE = "active"
S_BLOCKED = "blocked"  # for debt
S_FROZEN = "frozen"  # voluntary block
S_SCHEDULED = "scheduled"  # starts later
S_CHANGING = "changing"  # active, a tariff change is pending


def freeze_on(contract: Contract, day: date) -> Freeze | None:
    """The voluntary block covering ``day`` (scheduled, running or finished), if any (once per request)."""
    stmt = (
        select(Freeze)
        .where(
            Freeze.contract_id == contract.id,
            Freeze.status.in_((SCHEDULED, ACTIVE, FINISHED)),
            Freeze.starts_on <= day,
            func.coalesce(Freeze.ended_on, Freeze.ends_on) >= day,
        )
        .limit(1)
    )
    return request_memo(("isp.freeze_on", contract.id, day), lambda: session.scalar(stmt))


def open_freeze(contract: Contract) -> Freeze | None:
    """The contract's scheduled or running voluntary block, if any."""
    stmt = select(Freeze).where(Freeze.open_slot == contract.id)
    return request_memo(("isp.open_freeze", contract.id), lambda: session.scalar(stmt))


def pending_change(contract: Contract) -> TariffChange | None:
    """The contract's pending tariff change, if any (at most one)."""
    stmt = select(TariffChange).where(TariffChange.pending_slot == contract.id)
    return request_memo(("isp.pending_change", contract.id), lambda: session.scalar(stmt))


def is_frozen(contract: Contract, day: date) -> bool:
    return freeze_on(contract, day) is not None


@dataclass(frozen=True)
class ServiceState:
    """One service as the subscriber sees it."""

    subscription: Subscription
    status: str
    change: TariffChange | None = None

    @property
    def product(self):
        return self.subscription.product


def service_states(contract: Contract, day: date) -> list[ServiceState]:
    """The contract's current and upcoming services with their status on ``day``."""
    frozen = is_frozen(contract, day)
    change = pending_change(contract)
    states = []
    for sub in contract.subscriptions:
        if sub.ends_on is not None and sub.ends_on < day:
            continue
        if sub.starts_on > day:
            status = S_SCHEDULED
        elif frozen:
            status = S_FROZEN
        elif contract.is_blocked:
            status = S_BLOCKED
        elif change is not None and change.subscription_id == sub.id:
            status = S_CHANGING
        else:
            status = S_ACTIVE
        states.append(ServiceState(sub, status, change if change and change.subscription_id == sub.id else None))
    return states


def open_termination(contract: Contract) -> Termination | None:
    """The contract's scheduled (not yet done) termination, if any."""
    stmt = select(Termination).where(Termination.open_slot == contract.id)
    return request_memo(("isp.open_termination", contract.id), lambda: session.scalar(stmt))


def last_termination(contract: Contract) -> Termination | None:
    """The contract's newest termination that is scheduled or done (a cancelled one does not count)."""
    stmt = (
        select(Termination)
        .where(Termination.contract_id == contract.id, Termination.status != CANCELLED)
        .order_by(Termination.id.desc())
        .limit(1)
    )
    return request_memo(("isp.last_termination", contract.id), lambda: session.scalar(stmt))
