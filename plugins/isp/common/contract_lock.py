"""The one lock order of the isp plugin: the contract row first, then its ledger account row.

Everything that reads a contract's balance and then changes the contract — a promised payment
granted or ended, a tariff change, an add-on bought or cancelled, a voluntary block started or ended,
a payment that unblocks the services, the daily charge run that blocks for debt — takes its locks in
this order, in one transaction:

1. the ``isp_contracts`` row (``SELECT … FOR UPDATE``; several contracts in ascending id order);
2. the contract's ``ledger_accounts`` row (the ledger's ``balance = balance + Δ`` takes it, in ascending
   id order with the other accounts of the posting; :func:`lock_contract_and_money` takes it at once
   when the action reads the balance before it posts).

Money posted by core (a payment, a registry line, a correction, a suspense move) follows the same
order: before the ledger locks its account rows it calls the ``lock_before_posting`` hook, and this
plugin's implementation (:func:`lock_contracts_of`) locks the contracts of those accounts first. Two
actions on one contract therefore queue behind each other and never deadlock, whichever starts first.
On SQLite a writer holds the whole database (``BEGIN IMMEDIATE``), so the order holds trivially.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from core.api import PersonalAccount, session
from plugins.isp.models import Contract


def lock_contract(contract: Contract) -> None:
    """Lock the contract's row for this transaction and reload it with its services (step 1).

    Two confirms of one contract (a double click, two devices) then run one after the other, and
    the second sees what the first did.
    """
    session.flush()
    session.expire_all()
    session.execute(select(Contract.id).where(Contract.id == contract.id).with_for_update())
    session.refresh(contract)


def lock_contract_and_money(contract: Contract) -> None:
    """Lock the contract's row, then its ledger account row, and re-read both (steps 1 and 2).

    For an action that decides by the balance (a promised payment): a payment to the same contract
    waits until this transaction ends, and this one sees the balance as the payment left it.
    """
    lock_contract(contract)
    personal = contract.account.ledger_account
    model = type(personal)
    session.scalar(
        select(model).where(model.id == personal.id).with_for_update().execution_options(populate_existing=True)
    )


def lock_contracts_of(ledger_account_ids: Iterable[int]) -> None:
    """Lock the contracts whose personal accounts own these ledger accounts, in id order (step 1).

    Called through ``lock_before_posting`` just before the ledger locks the accounts' rows.
    """
    ids = sorted(set(ledger_account_ids))
    if not ids:
        return
    with session.no_autoflush:
        session.execute(
            select(Contract.id)
            .join(PersonalAccount, Contract.personal_account_id == PersonalAccount.id)
            .where(PersonalAccount.ledger_account_id.in_(ids))
            .order_by(Contract.id)
            .with_for_update(of=Contract)
        )
