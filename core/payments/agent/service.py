"""Serving a payment agent's ``check`` and ``pay``: find the account, post the payment once.

:func:`pay` posts through :func:`core.payments.service.post_payment` under the ledger key the bank
registry uses for the same transaction (:func:`core.payments.registry.payment_key` with the agent's
registry provider and its ``txn_id``), and stores the payment with the registry's order id. So:

* a repeated ``pay`` (the agent did not get our answer) finds the payment and answers the same
  ``prv_txn``; nothing more is posted;
* the next day's registry counts the line as a duplicate (already posted);
* a ``pay`` arriving after the registry brought the transaction answers the registry's payment.

A ``txn_id`` used before with another sum or account is refused (result 300) and posts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.accounts.models import PersonalAccount
from core.accounts.service import find_account, normalize_number
from core.db import current_tenant_id, session
from core.ledger.service import LedgerError
from core.payments.agent.protocol import (
    NO_ACCOUNT,
    OTHER,
    TOO_LARGE,
    TOO_SMALL,
    AgentRequest,
    ProtocolError,
)
from core.payments.models import AGENT, CREATED, Payment
from core.payments.registry import payment_key, payment_order_id
from core.payments.service import post_payment
from core.settings.service import get_settings
from core.tenants.models import Tenant

SETTINGS = "payments.agent"
REGISTRY_SETTINGS = "payments.registry"


@dataclass(frozen=True)
class Outcome:
    """What was done: ``prv_txn`` (our payment id) for a pay, and whether it was a repeat."""

    prv_txn: int | None = None
    amount: int | None = None
    repeat: bool = False


def agent_settings() -> Any:
    """The current tenant's ``payments.agent`` settings, defaults filled in."""
    return get_settings(SETTINGS)


def registry_provider(settings: Any) -> str:
    """The provider name of the agent's daily registry (the registry layout's when the agent names none)."""
    return settings["provider"] or get_settings(REGISTRY_SETTINGS)["provider"]


def _within_limits(amount: int | None, settings: Any) -> None:
    if amount is None:
        return
    if amount < settings["min_amount"]:
        raise ProtocolError(TOO_SMALL)
    if amount > settings["max_amount"]:
        raise ProtocolError(TOO_LARGE)


def _account(raw: str) -> PersonalAccount:
    account = find_account(raw)
    if account is None:
        raise ProtocolError(NO_ACCOUNT)
    return account


def check(request: AgentRequest, settings: Any) -> Outcome:
    """May the agent take money for this account (and sum)? Raises :class:`ProtocolError` if not."""
    _within_limits(request.amount, settings)
    _account(request.account)
    return Outcome(amount=request.amount)


def _posted(order_id: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.order_id == order_id))


def _repeat(payment: Payment, request: AgentRequest) -> Outcome:
    """A transaction we have: the same answer if it is the same payment, result 300 otherwise."""
    same_account = normalize_number(payment.account_number) == normalize_number(request.account)
    if payment.amount != request.amount or not same_account:
        raise ProtocolError(OTHER, "txn_id already used for another payment")
    return Outcome(prv_txn=payment.id, amount=payment.amount, repeat=True)


def pay(request: AgentRequest, settings: Any) -> Outcome:
    """Post the agent's payment to the account once; a repeat answers the payment posted before.

    Raises :class:`ProtocolError` (nothing posted) for an unknown account, a sum out of limits, or a
    ``txn_id`` already used for another payment.
    """
    assert request.amount is not None and request.txn_date is not None
    provider = registry_provider(settings)
    key = payment_key(provider, request.txn_id)
    order_id = payment_order_id(key)
    before = _posted(order_id)
    if before is not None:
        return _repeat(before, request)
    _within_limits(request.amount, settings)
    account = _account(request.account)
    tenant = session.get(Tenant, current_tenant_id())
    paid_at = request.txn_date.replace(tzinfo=tenant.zone if tenant is not None else None)
    payment = Payment(
        channel=AGENT,
        provider=provider,
        order_id=order_id,
        external_id=request.txn_id,
        personal_account_id=account.id,
        account_number=account.number,
        amount=request.amount,
        status=CREATED,
        paid_at=paid_at,
        meta={"txn_date": request.txn_date.strftime("%Y%m%d%H%M%S")},
    )
    try:
        with session.begin_nested():
            session.add(payment)
            session.flush()
            post_payment(payment, key, occurred_at=paid_at)
    except IntegrityError:
        # The same transaction was posted at this moment by a concurrent copy of the request.
        session.expire_all()
        before = _posted(order_id)
        if before is None:
            raise
        return _repeat(before, request)
    except LedgerError as error:
        raise ProtocolError(OTHER, f"not posted: {error}"[:200]) from None
    return Outcome(prv_txn=payment.id, amount=payment.amount)
