"""Promised payment: a temporary credit that restores blocked services at once.

* :func:`quote` says what a promise would do now (amount, fee, until when, balance after) or why
  it is refused; :func:`grant` re-checks and grants. The rules are :func:`plugins.isp.promise.rules.decide`.
* The credit is money in the ledger: ``isp:promise:<id>:grant`` moves it from the tenant's credit
  account to the contract's personal account, ``isp:promise:<id>:end`` takes it back. The fee is a
  separate charge (``isp:promise:<id>:fee``) to the ``promise_fee`` revenue account.
* It ends at ``due_at`` (the ``isp.promises.expire`` job), or earlier when a payment covers it
  (:func:`settle_on_payments`, called by ``on_payments_posted``). Either way :func:`blocking.refresh`
  then decides the services' state.
* ``repaid`` says whether the balance stayed ≥ 0 once the credit was taken back. A promise that
  ended unpaid is marked repaid later, when a payment brings the balance back to ≥ 0 — so "the last
  promise must be repaid" never locks a subscriber out for good, and operators' "overdue" list holds
  only the promises still unpaid.

Concurrency: every change first locks the contract's row and then its ledger account row — the
plugin's one lock order (:mod:`plugins.isp.common.contract_lock`), which a payment follows too — and
the ``active_slot`` unique index makes a second active promise impossible even so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.api import (
    Refused,
    Tenant,
    TenantJob,
    User,
    audit,
    format_money,
    ledger,
    notify,
    one_of,
    plugin_settings,
    recipient_language,
    session,
    site_path,
    users_of_account,
    utcnow,
)
from plugins.isp.common.calendar import tenant_today, tenant_zone
from plugins.isp.common.contract_lock import lock_contract_and_money
from plugins.isp.contracts import blocking, state
from plugins.isp.contracts.service import monthly_fee
from plugins.isp.contracts.state import freeze_on, open_freeze
from plugins.isp.models import ACTIVE, EXPIRED, REPAID, Contract, Promise
from plugins.isp.promise.rules import PromiseFacts, PromiseQuote, already_active, decide

log = logging.getLogger(__name__)

KIND = "promise"  # ledger transaction kind of the credit and its return
FEE_SERVICE = "promise_fee"
REMIND_BEFORE = timedelta(days=1)


def active_promise(contract: Contract) -> Promise | None:
    """The contract's active promise, if any (at most one; read once per request with the contract's slots)."""
    return state.active_promise(contract)


def last_promise(contract: Contract) -> Promise | None:
    """The contract's most recently granted promise, any status."""
    return session.scalar(
        select(Promise).where(Promise.contract_id == contract.id).order_by(Promise.granted_at.desc(), Promise.id.desc())
    )


def _last_closed(contract: Contract) -> Promise | None:
    return session.scalar(
        select(Promise)
        .where(Promise.contract_id == contract.id, Promise.status.in_((REPAID, EXPIRED)))
        .order_by(Promise.closed_at.desc(), Promise.id.desc())
    )


def facts_for(tenant: Tenant, contract: Contract, now: datetime) -> PromiseFacts:
    """Read what the rules look at for ``contract`` at ``now``."""
    today = tenant_today(tenant, now)
    running = open_freeze(contract)
    active = active_promise(contract)
    last = last_promise(contract)
    closed = _last_closed(contract)
    return PromiseFacts(
        now=now,
        zone=tenant_zone(tenant),
        balance=contract.account.balance,
        monthly_fee=monthly_fee(contract, today),
        is_legal=contract.is_legal,
        blocked=contract.is_blocked,
        frozen=freeze_on(contract, today) is not None or (running is not None and running.status == ACTIVE),
        opened_on=contract.account.opened_on or contract.signed_on,
        active_until=active.due_at if active is not None else None,
        last_granted_at=last.granted_at if last is not None else None,
        last_unrepaid=closed is not None and closed.repaid is False,
    )


def quote(tenant: Tenant, contract: Contract, now: datetime | None = None) -> PromiseQuote:
    """What a promised payment would give now, or the reasons it is refused (nothing is changed)."""
    now = now or utcnow()
    return decide(facts_for(tenant, contract, now), plugin_settings(tenant, "isp"))


def grant(tenant: Tenant, contract: Contract, user: User | None, now: datetime | None = None) -> Promise:
    """Grant a promised payment on ``contract`` now; raises :class:`Refused` with the reasons.

    Posts the credit (and the fee, if any), unblocks the services when the balance allows, and
    notifies the subscriber. Works in the caller's transaction; the caller commits (or rolls back
    on :class:`Refused`). Of two concurrent grants for one contract exactly one succeeds.
    """
    now = now or utcnow()
    lock_contract_and_money(contract)
    settings = plugin_settings(tenant, "isp")
    offer = decide(facts_for(tenant, contract, now), settings)
    if not offer.ok:
        raise Refused(offer.reasons)
    promise = Promise(
        contract_id=contract.id,
        amount=offer.amount,
        fee=offer.fee,
        granted_at=now,
        due_at=now + timedelta(days=settings.promise_days),
        status=ACTIVE,
        active_slot=contract.id,
        granted_by_id=user.id if user is not None else None,
    )
    try:
        with session.begin_nested():
            session.add(promise)
    except IntegrityError:
        # Another request granted one between our check and our insert: the unique slot decided.
        other = active_promise(contract)
        raise Refused([already_active(other.due_at if other else promise.due_at, tenant_zone(tenant))]) from None
    _post_grant(tenant, contract, promise, now)
    blocking.refresh(tenant, contract, now)
    audit("isp.promise.grant", "contract", contract.number, None, {"amount": promise.amount, "fee": promise.fee})
    _notify_granted(tenant, contract, promise)
    return promise


def _post_grant(tenant: Tenant, contract: Contract, promise: Promise, now: datetime) -> None:
    personal = contract.account.ledger_account
    ledger.transfer(
        f"isp:promise:{promise.id}:grant",
        KIND,
        ledger.credit_account(),
        personal,
        promise.amount,
        memo=f"Promised payment until {promise.due_at.astimezone(tenant_zone(tenant)):%Y-%m-%d %H:%M}",
        meta={"promise": promise.id, "until": f"{promise.due_at.astimezone(tenant_zone(tenant)):%Y-%m-%d}"},
        occurred_at=now,
    )
    if promise.fee:
        ledger.transfer(
            f"isp:promise:{promise.id}:fee",
            "charge",
            personal,
            ledger.revenue_account(FEE_SERVICE),
            promise.fee,
            memo="Promised payment fee",
            meta={"promise": promise.id},
            service=FEE_SERVICE,
            period=f"{tenant_today(tenant, now):%Y-%m}",
            occurred_at=now,
        )


def _close(tenant: Tenant, promise: Promise, status: str, now: datetime) -> None:
    """Take the credit back and close ``promise`` as ``status``; ``repaid`` = balance still ≥ 0."""
    contract = promise.contract
    ledger.transfer(
        f"isp:promise:{promise.id}:end",
        KIND,
        contract.account.ledger_account,
        ledger.credit_account(),
        promise.amount,
        memo="Promised payment ended",
        meta={"promise": promise.id},
        occurred_at=now,
    )
    promise.status = status
    promise.active_slot = None
    promise.closed_at = now
    promise.repaid = contract.account.balance >= 0
    session.flush()
    audit(f"isp.promise.{status}", "contract", contract.number, None, {"repaid": promise.repaid})


def expire(tenant: Tenant, promise_id: int, now: datetime | None = None) -> bool:
    """End one promise whose time is up: take the credit back, block again if unpaid.

    Returns whether it was ended now (``False`` when it is not due or was closed meanwhile — the
    job is safe to run twice). The caller commits.
    """
    now = now or utcnow()
    promise = session.get(Promise, promise_id)
    if promise is None:
        return False
    lock_contract_and_money(promise.contract)
    session.refresh(promise)
    if promise.status != ACTIVE or promise.due_at > now:
        return False
    _close(tenant, promise, EXPIRED, now)
    blocking.refresh(tenant, promise.contract, now)
    return True


def settle_on_payments(tenant: Tenant, account_ids: Iterable[int], now: datetime | None = None) -> list[Promise]:
    """Close the active promises the new balances cover; returns them. One query for a batch of payments.

    ``account_ids`` are the paid personal accounts. Called by ``on_payments_posted`` in the payments'
    transaction, before ``blocking.refresh_paid``. For a contract with no active promise, a payment
    that brings the balance back to ≥ 0 marks its last ended promise repaid if it ended unpaid. Only
    contracts with such a promise are loaded.
    """
    now = now or utcnow()
    ids = sorted(set(account_ids))
    if not ids:
        return []
    candidates = session.scalars(
        select(Promise)
        .join(Contract, Contract.id == Promise.contract_id)
        .where(
            one_of(Contract.personal_account_id, ids),
            Promise.active_slot.is_not(None) | (Promise.status.in_((REPAID, EXPIRED)) & Promise.repaid.is_(False)),
        )
        .order_by(Promise.contract_id, Promise.id)
    ).all()
    if not candidates:
        return []
    closed: list[Promise] = []
    for contract in {promise.contract_id: promise.contract for promise in candidates}.values():
        promise = active_promise(contract)
        if promise is None:
            last = _last_closed(contract)
            if last is not None and last.repaid is False and contract.account.balance >= 0:
                last.repaid = True
        elif contract.account.balance - promise.amount >= 0:
            _close(tenant, promise, REPAID, now)
            closed.append(promise)
    session.flush()
    return closed


def due_promise_ids(now: datetime) -> list[int]:
    """Active promises of the current tenant whose time is up."""
    return list(
        session.scalars(select(Promise.id).where(Promise.status == ACTIVE, Promise.due_at <= now).order_by(Promise.id))
    )


def remind(tenant: Tenant, now: datetime) -> int:
    """Tell subscribers whose promise ends within a day (once per promise); returns how many promises."""
    ending = session.scalars(
        select(Promise).where(Promise.status == ACTIVE, Promise.due_at > now, Promise.due_at <= now + REMIND_BEFORE)
    )
    count = 0
    for promise in ending:
        _notify_ending(tenant, promise.contract, promise)
        count += 1
    return count


def run_due(tenant: Tenant, now: datetime) -> dict[str, int]:
    """The ``isp.promises.expire`` job for one tenant (core runs it per tenant): end due promises, send reminders.

    Each promise ends in its own transaction, so one that fails (logged) does not hold back the others.
    """
    counts = {"expired": 0, "reminded": 0}
    for promise_id in due_promise_ids(now):
        try:
            counts["expired"] += expire(tenant, promise_id, now)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("ending promise %s failed for tenant %s", promise_id, tenant.slug)
    counts["reminded"] = remind(tenant, now)
    return counts


def jobs() -> list[TenantJob]:
    """The plugin's promised-payment job (idempotent: a second run finds nothing due)."""
    return [TenantJob("isp.promises.expire", "isp", run_due, every_seconds=300)]


# --- telling the subscriber ----------------------------------------------------------------------


def _until_text(tenant: Tenant, promise: Promise) -> str:
    return format_datetime(promise.due_at.astimezone(tenant_zone(tenant)), "short", rebase=False)


def _services_link() -> str:
    return site_path("isp.services")


def _notify_granted(tenant: Tenant, contract: Contract, promise: Promise) -> None:
    link = _services_link()
    for user in users_of_account(contract.account):
        with recipient_language(user, tenant):
            title = _(
                "Promised payment of %(amount)s until %(until)s",
                amount=format_money(promise.amount),
                until=_until_text(tenant, promise),
            )
            body = _(
                "Your services are active. When the promised payment ends, %(amount)s is taken back from the "
                "balance: top up the account before then so that services are not blocked again.",
                amount=format_money(promise.amount),
            )
        notify(user, "isp_promise", title, body, link, dedupe_key=f"isp:promise:{promise.id}:granted", tenant=tenant)


def _notify_ending(tenant: Tenant, contract: Contract, promise: Promise) -> None:
    balance = contract.account.balance
    need = max(0, promise.amount - balance)
    for user in users_of_account(contract.account):
        with recipient_language(user, tenant):
            title = _("Your promised payment ends on %(until)s", until=_until_text(tenant, promise))
            if need:
                body = _(
                    "Then %(amount)s is taken back from the balance. Top up the account by at least %(need)s "
                    "so that services are not blocked.",
                    amount=format_money(promise.amount),
                    need=format_money(need),
                )
            else:
                body = _(
                    "Then %(amount)s is taken back from the balance; your balance covers it.",
                    amount=format_money(promise.amount),
                )
        notify(user, "isp_promise", title, body, dedupe_key=f"isp:promise:{promise.id}:reminder", tenant=tenant)
