"""Ending a contract by the subscriber's application (расторжение договора по заявлению).

The subscriber brings a written application to the office; the operator records it here with the
last day of service:

1. :func:`schedule` — every service on the contract ends on that day (later ones never start), a
   pending tariff change is cancelled. Nothing else changes until the day has passed.
2. :func:`finalize_due` (the ``isp.terminations`` job, or the operator's "close now") — once the last
   day is over, the daily charge is run through it (the final charge), the personal account is closed
   and the final balance is recorded. The subscriber's login stays: read-only, for the final
   statement (receipts, payments, the final balance); every change in the cabinet is refused.
3. :func:`cancel` — before the day, the operator may cancel: the services run on as before.

Every change is audited; the caller commits (the job commits per contract).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.api import (
    Refusal,
    Refused,
    Tenant,
    TenantJob,
    User,
    audit,
    close_account,
    session,
    utcnow,
)
from plugins.isp.common.calendar import tenant_today
from plugins.isp.common.contract_lock import lock_contract
from plugins.isp.contracts.state import open_termination, pending_change
from plugins.isp.models import CANCELLED, DONE, SCHEDULED, Contract, Termination

MAX_REASON = 2000


def is_closed(contract: Contract) -> bool:
    """Whether the contract has ended: its personal account is closed; the login is read-only."""
    return contract.account.status == "closed"


def schedule(tenant: Tenant, contract: Contract, ends_on: date, reason: str, actor: User | None) -> Termination:
    """End every service of ``contract`` on ``ends_on`` (its last day of service); returns the termination.

    Refused (raises :class:`Refused`, nothing changed) when the contract is closed or already has a
    termination scheduled, when ``ends_on`` has passed, or the reason is too long.
    """
    lock_contract(contract)
    today = tenant_today(tenant)
    reasons = []
    reason = (reason or "").strip()
    if is_closed(contract):
        reasons.append(Refusal("closed", _l("The contract is already closed.")))
    elif open_termination(contract) is not None:
        reasons.append(Refusal("already_scheduled", _l("The contract's termination is already scheduled.")))
    if ends_on < today:
        reasons.append(Refusal("past_day", _l("The last day of service cannot be in the past.")))
    if len(reason) > MAX_REASON:
        reasons.append(
            Refusal("reason_too_long", _l("The reason is too long: at most %(n)s characters.", n=MAX_REASON))
        )
    if reasons:
        raise Refused(reasons)
    previous: dict[str, str | None] = {}
    for sub in contract.subscriptions:
        if sub.ends_on is not None and sub.ends_on <= ends_on:
            continue
        previous[str(sub.id)] = sub.ends_on.isoformat() if sub.ends_on else None
        # A service that would start after the last day never starts (it ends the day before it starts).
        sub.ends_on = ends_on if sub.starts_on <= ends_on else sub.starts_on - timedelta(days=1)
    change = pending_change(contract)
    if change is not None:
        change.status = CANCELLED
        change.pending_slot = None
        change.decided_at = utcnow()
    termination = Termination(
        contract_id=contract.id,
        ends_on=ends_on,
        reason=reason,
        status=SCHEDULED,
        open_slot=contract.id,
        previous_ends=previous,
        created_by_id=actor.id if actor is not None else None,
    )
    session.add(termination)
    session.flush()
    audit(
        "isp.termination.schedule",
        "contract",
        contract.number,
        None,
        {"ends_on": ends_on.isoformat(), "reason": reason, "services": len(previous)},
    )
    return termination


def cancel(contract: Contract) -> Termination:
    """Cancel the contract's scheduled termination: the services run on as before it was scheduled.

    Raises :class:`Refused` when nothing is scheduled (or it is already done).
    """
    lock_contract(contract)
    termination = open_termination(contract)
    if termination is None:
        raise Refused([Refusal("nothing_scheduled", _l("No termination is scheduled for this contract."))])
    for sub in contract.subscriptions:
        if str(sub.id) in termination.previous_ends:
            old = termination.previous_ends[str(sub.id)]
            sub.ends_on = date.fromisoformat(old) if old else None
    termination.status = CANCELLED
    termination.open_slot = None
    termination.closed_at = utcnow()
    session.flush()
    audit("isp.termination.cancel", "contract", contract.number, {"ends_on": termination.ends_on.isoformat()}, None)
    return termination


def finalize(tenant: Tenant, termination: Termination, now: datetime | None = None) -> bool:
    """Close the contract once its last day is over: the final charge, the account closed, the balance kept.

    Returns ``False`` (nothing done) while the last day has not passed. Commits (the charge run commits).
    """
    from plugins.isp.charging.service import charge_until

    now = now or utcnow()
    if termination.status != SCHEDULED or termination.ends_on >= tenant_today(tenant, now):
        return False
    # The final charge: every day up to the last one is charged (the run skips what is done).
    charge_until(tenant, termination.ends_on, now=now)
    contract = session.get(Contract, termination.contract_id)
    lock_contract(contract)
    session.refresh(termination)
    if termination.status != SCHEDULED:
        return False
    close_account(contract.account, termination.ends_on + timedelta(days=1))
    termination.status = DONE
    termination.open_slot = None
    termination.closed_at = now
    termination.final_balance = contract.account.balance
    contract.blocked_since = None  # nothing runs any more; the debt, if any, stays on the final statement
    session.flush()
    audit(
        "isp.termination.done",
        "contract",
        contract.number,
        None,
        {"ends_on": termination.ends_on.isoformat(), "final_balance": termination.final_balance},
    )
    session.commit()
    return True


def finalize_due(tenant: Tenant, now: datetime | None = None) -> int:
    """Finalize every scheduled termination whose last day has passed (idempotent); returns how many."""
    now = now or utcnow()
    today = tenant_today(tenant, now)
    due = session.scalars(
        select(Termination.id).where(Termination.status == SCHEDULED, Termination.ends_on < today)
    ).all()
    done = 0
    for termination_id in due:
        termination = session.get(Termination, termination_id)
        if termination is not None and finalize(tenant, termination, now):
            done += 1
    return done


def jobs() -> list[TenantJob]:
    """The termination job (hourly, per tenant; the final charge is made inside it)."""
    return [TenantJob("isp.terminations", "isp", finalize_due, every_seconds=3600)]
