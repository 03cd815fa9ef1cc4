"""What state each service of a contract is in today: active, blocked for debt, frozen, scheduled.

One place answers it for the subscriber's pages, the operator's pages and the API, so they never
disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, bindparam, func, select

from core.api import built_once, request_memo, session
from plugins.isp.models import (
    CANCELLED,
    Contract,
    Freeze,
    Promise,
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


@dataclass(frozen=True)
class Slots:
    """What a contract has open at most one of (or the newest of), read together."""

    change: TariffChange | None  # the pending tariff change
    promise: Promise | None  # the running promised payment
    termination: Termination | None  # the newest termination that is scheduled or done


@dataclass(frozen=True)
class _State:
    slots: Slots
    freezes: tuple[Freeze, ...]


def _state_statement() -> Select:
    newest = (
        select(func.max(Termination.id))
        .where(Termination.contract_id == Contract.id, Termination.status != CANCELLED)
        .correlate(Contract)
        .scalar_subquery()
    )
    return (
        select(TariffChange, Promise, Termination, Freeze)
        .select_from(Contract)
        .outerjoin(TariffChange, TariffChange.pending_slot == Contract.id)
        .outerjoin(Promise, Promise.active_slot == Contract.id)
        .outerjoin(Termination, Termination.id == newest)
        .outerjoin(Freeze, Freeze.contract_id == Contract.id)
        .where(Contract.id == bindparam("contract_id"))
        .order_by(Freeze.starts_on, Freeze.id)
    )


_STATE = built_once(_state_statement())  # read on every page that shows a contract


def _state(contract: Contract) -> _State:
    """The contract's slots and all its voluntary blocks in one statement, once per request.

    The pages that show a contract's state ask for both. One row per freeze (a contract has few), each with the
    same slots; a contract without freezes gives one row with none.
    """

    def read() -> _State:
        rows = session.execute(_STATE, {"contract_id": contract.id}).all()
        if not rows:
            return _State(Slots(None, None, None), ())
        change, promise, termination, _freeze = rows[0]
        return _State(Slots(change, promise, termination), tuple(row[3] for row in rows if row[3] is not None))

    return request_memo(("isp.state", contract.id), read)


def contract_freezes(contract: Contract) -> tuple[Freeze, ...]:
    """All the contract's voluntary blocks, oldest first (read with :func:`contract_slots`, once per request).

    :func:`freeze_on`, :func:`open_freeze` and the charge outlook pick theirs from this one read.
    """
    return _state(contract).freezes


def freeze_on(contract: Contract, day: date) -> Freeze | None:
    """The voluntary block covering ``day`` (scheduled, running or finished), if any."""
    return next((freeze for freeze in contract_freezes(contract) if freeze.covers(day)), None)


def open_freeze(contract: Contract) -> Freeze | None:
    """The contract's scheduled or running voluntary block, if any."""
    return next((freeze for freeze in contract_freezes(contract) if freeze.open_slot == contract.id), None)


def contract_slots(contract: Contract) -> Slots:
    """The contract's pending tariff change, running promise and newest termination, read with its freezes in one
    statement (once per request): the pages that show a contract's state ask all of them."""
    return _state(contract).slots


def pending_change(contract: Contract) -> TariffChange | None:
    """The contract's pending tariff change, if any (at most one)."""
    return contract_slots(contract).change


def active_promise(contract: Contract) -> Promise | None:
    """The contract's running promised payment, if any (at most one)."""
    return contract_slots(contract).promise


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
    return request_memo(
        ("isp.open_termination", contract.id),
        lambda: session.scalar(select(Termination).where(Termination.open_slot == contract.id)),
    )


def last_termination(contract: Contract) -> Termination | None:
    """The contract's newest termination that is scheduled or done (a cancelled one does not count)."""
    return contract_slots(contract).termination
