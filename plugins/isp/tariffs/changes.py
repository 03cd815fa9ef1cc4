"""Tariff changes: the subscriber confirms or cancels one; the operator applies a written application.

A confirmed change is written at once as subscriptions (:mod:`plugins.isp.tariffs.schedule`) after
the quote (:mod:`plugins.isp.tariffs.quote`) is checked again under the contract's lock. The change
fee is the only money taken at confirm; cancelling a pending change deletes the new, not yet
started subscription, reopens the old one and refunds the fee.

Other modules reach the whole feature through this module (``changes.quote_change``,
``changes.tariff_by_code``, …): the names of the quote, the tariff lists and the schedule are
re-exported here.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.api import Refusal, Refused, Tenant, User, audit, ledger, session, utcnow
from plugins.isp.common.calendar import tenant_today
from plugins.isp.common.contract_lock import lock_contract
from plugins.isp.contracts.service import end_subscription, subscribe, tariff_on
from plugins.isp.contracts.state import pending_change
from plugins.isp.models import APPLIED, CANCELLED, TV_PACKAGE, Contract, Product, Subscription, TariffChange
from plugins.isp.tariffs.notices import N_cancelled_body, N_cancelled_title, tell, tell_ordered_or_changed
from plugins.isp.tariffs.options import (
    candidate_tariffs,
    catalogue_tariffs,
    current_tariffs,
    tariff_by_code,
)
from plugins.isp.tariffs.quote import IMMEDIATELY, ONE_DAY, TariffQuote, quote_change, replaced_packages
from plugins.isp.tariffs.refusals import legal_refusal
from plugins.isp.tariffs.schedule import jobs, ordered_change, schedule_change, settle_all, settle_due

__all__ = [
    "IMMEDIATELY",
    "REVENUE_SERVICE",
    "OperatorChangeError",
    "TariffQuote",
    "cancel_change",
    "candidate_tariffs",
    "catalogue_tariffs",
    "confirm_change",
    "current_tariffs",
    "jobs",
    "legal_refusal",
    "operator_change",
    "ordered_change",
    "quote_change",
    "settle_all",
    "tariff_by_code",
]

REVENUE_SERVICE = "tariff_change"


def confirm_change(
    tenant: Tenant, contract: Contract, target: Product, user: User | None, now: datetime | None = None
) -> TariffChange:
    """Order the change to ``target`` as quoted; raises :class:`Refused` (nothing changed) if refused.

    Takes the fee through the ledger (``isp:tariff_change:<id>:fee``). The caller commits.
    """
    now = now or utcnow()
    today = tenant_today(tenant, now)
    lock_contract(contract)
    settle_due(tenant, contract, now)
    target = session.get(Product, target.id)
    quote = quote_change(tenant, contract, target, today)
    if not quote.ok:
        raise Refused(quote.reasons)
    change = schedule_change(contract, quote.current, target, quote.effective_on, quote.fee, user, today, now)
    for package in quote.replaced_packages:
        end_subscription(package, quote.effective_on - ONE_DAY)
    if change.fee:
        ledger.transfer(
            f"isp:tariff_change:{change.id}:fee",
            "charge",
            contract.account.ledger_account,
            ledger.revenue_account(REVENUE_SERVICE),
            change.fee,
            service=REVENUE_SERVICE,
            period=f"{today:%Y-%m}",
            occurred_at=now,
            memo=f"Tariff change to «{target.title}»",
            meta={"tariff": target.title},
        )
    audit(
        "isp.tariff_change.order",
        "contract",
        contract.number,
        {"tariff": quote.current.product.code},
        {"tariff": target.code, "effective_on": quote.effective_on.isoformat(), "fee": change.fee},
    )
    tell_ordered_or_changed(tenant, contract, change.id, change.status == APPLIED)
    return change


def cancel_change(tenant: Tenant, contract: Contract, user: User | None, now: datetime | None = None) -> TariffChange:
    """Cancel the contract's pending change: the new tariff never starts, the old one stays, the fee comes back.

    Raises :class:`Refused` when there is nothing to cancel. The caller commits.
    """
    now = now or utcnow()
    lock_contract(contract)
    settle_due(tenant, contract, now)
    change = pending_change(contract)
    if change is None:
        raise Refused([Refusal("no_pending_change", _l("There is no ordered tariff change to cancel."))])
    day_before = change.effective_on - ONE_DAY
    target = change.to_product
    new = [
        s
        for s in contract.subscriptions
        if s.starts_on == change.effective_on and s.product_id == change.to_product_id and s.bundled_with_id is None
    ]
    doomed = [s for s in contract.subscriptions if s in new or s.bundled_with_id in {n.id for n in new}]
    for sub in sorted(doomed, key=lambda s: s.bundled_with_id is None):  # bundled packages first
        session.delete(sub)
        session.flush()
    old = change.subscription
    old.ends_on = None
    for sub in contract.subscriptions:
        if sub in doomed:
            continue
        if sub.bundled_with_id == old.id and sub.ends_on == day_before:
            sub.ends_on = None
        elif (
            sub.bundled_with_id is None
            and sub.product.kind == TV_PACKAGE
            and sub.product.code in (target.includes or [])
            and sub.ends_on == day_before
        ):
            sub.ends_on = None  # a separate package ended for the new tariff's bundle comes back
    change.status = CANCELLED
    change.pending_slot = None
    change.decided_at = now
    session.flush()
    session.expire(contract, ["subscriptions"])
    if change.fee:
        ledger.transfer(
            f"isp:tariff_change:{change.id}:fee_refund",
            "correction",
            ledger.revenue_account(REVENUE_SERVICE),
            contract.account.ledger_account,
            change.fee,
            service=REVENUE_SERVICE,
            period=f"{tenant_today(tenant, now):%Y-%m}",
            occurred_at=now,
            memo=f"Tariff change to «{target.title}» cancelled: fee returned",
        )
    audit("isp.tariff_change.cancel", "contract", contract.number, {"to": target.code}, None)
    tell(tenant, contract, N_cancelled_title, N_cancelled_body, f"isp:tariff_change:{change.id}:cancelled")
    return change


class OperatorChangeError(ValueError):
    """The operator's change could not be made; nothing was changed."""


def operator_change(
    tenant: Tenant, contract: Contract, target: Product, effective_on: date, operator: User | None, now: datetime
) -> TariffChange | Subscription:
    """Change the contract's tariff of ``target``'s kind to ``target`` from ``effective_on`` (or connect it).

    Skips the subscriber's limits (legal entity, debt, rule, fee) — it applies a written application —
    and is audited. Returns the :class:`TariffChange`, or the new subscription when there was no tariff
    of that kind. Raises :class:`OperatorChangeError`.
    """
    today = tenant_today(tenant, now)
    if not target.is_tariff:
        raise OperatorChangeError(_("Choose a tariff."))
    if effective_on < today:
        raise OperatorChangeError(_("The change cannot start in the past."))
    lock_contract(contract)
    settle_due(tenant, contract, now)
    target = session.get(Product, target.id)
    if pending_change(contract) is not None:
        raise OperatorChangeError(_("A tariff change is already ordered: cancel it first."))
    current = tariff_on(contract, target.kind, effective_on) or tariff_on(contract, target.kind, today)
    if current is not None and current.product_id == target.id:
        raise OperatorChangeError(_("The contract already has this tariff."))
    if current is None:
        new = subscribe(contract, target, effective_on)
        audit("isp.tariff_change.operator", "contract", contract.number, None, {"tariff": target.code})
        return new
    if current.starts_on >= effective_on:
        raise OperatorChangeError(_("The current tariff starts later than that day."))
    for package in replaced_packages(contract, target, effective_on):
        end_subscription(package, effective_on - ONE_DAY)
    change = schedule_change(contract, current, target, effective_on, 0, operator, today, now)
    audit(
        "isp.tariff_change.operator",
        "contract",
        contract.number,
        {"tariff": current.product.code},
        {"tariff": target.code, "effective_on": effective_on.isoformat()},
    )
    tell_ordered_or_changed(tenant, contract, change.id, change.status == APPLIED)
    return change
