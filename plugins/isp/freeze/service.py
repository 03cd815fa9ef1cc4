"""Voluntary block ("добровольная блокировка"): the subscriber freezes every service for a period.

The flow is quote-then-confirm: :func:`quote` (:mod:`plugins.isp.freeze.quote`) says what will
happen or why not, :func:`start` checks again and saves, :func:`end` ends a running block early or
cancels a planned one. The rules and refusal codes live in :mod:`plugins.isp.freeze.rules`; moving
a block along its dates, its fee and the job in :mod:`plugins.isp.freeze.status`.

Staff (``by_staff=True``) act on a subscriber's written or phoned request, so they are not bound by
the subscriber's limits (including the self-unfreeze rules), only by the hard facts.

Other modules reach the whole feature through this module (``freeze.quote``, ``freeze.rules``,
``freeze.DISABLED``, …): those names are re-exported here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from core.api import Refusal, Refused, Tenant, User, audit, session, utcnow
from plugins.isp.common.contract_lock import lock_contract
from plugins.isp.contracts import blocking
from plugins.isp.contracts.state import open_freeze
from plugins.isp.freeze.notices import tell
from plugins.isp.freeze.quote import quote
from plugins.isp.freeze.rules import (
    ALREADY_FROZEN,
    BLOCKED_FOR_DEBT,
    COOLDOWN,
    DISABLED,
    END_BEFORE_START,
    END_REFUSALS,
    FEE_NONE,
    LEGAL_ENTITY,
    LOW_BALANCE,
    NO_SERVICES,
    NOT_FROZEN,
    SELF_UNFREEZE_OFF,
    START_IN_PAST,
    START_REFUSALS,
    START_TOO_FAR,
    TOO_LONG,
    TOO_SHORT,
    UNFREEZE_TOO_EARLY,
    already_frozen,
    earliest_start,
    rules,
    self_unfreeze_refusal,
)
from plugins.isp.freeze.status import advance, jobs, shown_status
from plugins.isp.models import ACTIVE, CANCELLED, FINISHED, SCHEDULED, Contract, Freeze

__all__ = [
    "ALREADY_FROZEN",
    "BLOCKED_FOR_DEBT",
    "CANCELLED",
    "COOLDOWN",
    "DISABLED",
    "END_BEFORE_START",
    "END_REFUSALS",
    "LEGAL_ENTITY",
    "LOW_BALANCE",
    "NOT_FROZEN",
    "NO_SERVICES",
    "SELF_UNFREEZE_OFF",
    "START_IN_PAST",
    "START_REFUSALS",
    "START_TOO_FAR",
    "TOO_LONG",
    "TOO_SHORT",
    "UNFREEZE_TOO_EARLY",
    "advance",
    "earliest_start",
    "end",
    "jobs",
    "quote",
    "rules",
    "self_unfreeze_refusal",
    "shown_status",
    "start",
]


def start(
    tenant: Tenant,
    contract: Contract,
    user: User | None,
    starts_on: date,
    ends_on: date,
    today: date,
    *,
    by_staff: bool = False,
    waive_fee: bool = False,
    reason: str = "",
    now: datetime | None = None,
) -> Freeze:
    """Freeze ``contract`` from ``starts_on`` to ``ends_on``; raises :class:`Refused` (nothing saved).

    Checks the quote again; the unique ``open_slot`` decides between two concurrent requests.
    A block starting ``today`` is active at once (its one-time fee posted). Staff may waive the fee.
    Works in the caller's transaction; the caller commits (or rolls back on :class:`Refused`).
    """
    checked = quote(tenant, contract, starts_on, ends_on, today, by_staff=by_staff)
    if not checked.ok:
        raise Refused(checked.reasons)
    freeze = Freeze(
        contract_id=contract.id,
        starts_on=starts_on,
        ends_on=ends_on,
        status=SCHEDULED,
        open_slot=contract.id,
        fee_kind=FEE_NONE if waive_fee else checked.fee_kind,
        fee=0 if waive_fee else checked.fee,
        by_staff=by_staff,
        created_by_id=user.id if user is not None else None,
    )
    try:
        with session.begin_nested():
            session.add(freeze)
            session.flush()
    except IntegrityError:
        raise Refused([already_frozen()]) from None
    audit(
        "isp.freeze.start",
        "contract",
        contract.number,
        None,
        {
            "freeze": freeze.id,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "fee_kind": freeze.fee_kind,
            "fee": freeze.fee,
            "by_staff": by_staff,
            "reason": reason,
        },
    )
    advance(tenant, freeze, now or utcnow(), today)
    if freeze.status == SCHEDULED:
        tell(tenant, contract, "scheduled", freeze)
    return freeze


def end(
    tenant: Tenant,
    contract: Contract,
    user: User | None,
    today: date,
    *,
    by_staff: bool = False,
    reason: str = "",
    now: datetime | None = None,
) -> Freeze:
    """End the running block now (services work from ``today``) or cancel a planned one.

    Subscribers may cancel a planned block any time; ending a running one needs the tenant's
    ``freeze_self_unfreeze`` and ``freeze_unfreeze_min_days`` days since its start. Staff may always.
    Raises :class:`Refused`; works in the caller's transaction.
    """
    now = now or utcnow()
    lock_contract(contract)  # two "end now" clicks run one after the other; the second finds nothing open
    freeze = open_freeze(contract)
    if freeze is not None:
        advance(tenant, freeze, now, today)
    if freeze is None or freeze.status not in (SCHEDULED, ACTIVE):
        raise Refused([Refusal(NOT_FROZEN, _l("There is no voluntary block to end."))])
    before = {"status": freeze.status, "ends_on": freeze.ends_on.isoformat()}
    if freeze.status == SCHEDULED:
        freeze.status = CANCELLED
        freeze.open_slot = None
        change = "cancelled"
    else:
        if not by_staff:
            refusal = self_unfreeze_refusal(tenant, freeze, today)
            if refusal is not None:
                raise Refused([refusal])
        freeze.ended_on = today - timedelta(days=1)
        freeze.status = FINISHED
        freeze.open_slot = None
        change = "finished"
    session.flush()
    audit(
        "isp.freeze.end",
        "contract",
        contract.number,
        before,
        {"freeze": freeze.id, "status": freeze.status, "by_staff": by_staff, "reason": reason},
    )
    tell(tenant, contract, change, freeze)
    if change == "finished":
        blocking.refresh(tenant, contract, now)
    return freeze
