"""Serialise the actions on one contract: lock its row for the transaction and re-read it."""

from __future__ import annotations

from sqlalchemy import select

from core.api import session
from plugins.isp.models import Contract


def lock_contract(contract: Contract) -> None:
    """Lock the contract's row for this transaction and reload it with its services.

    Two confirms of one contract (a double click, two devices) then run one after the other, and
    the second sees what the first did.
    """
    session.flush()
    session.expire_all()
    session.execute(select(Contract.id).where(Contract.id == contract.id).with_for_update())
    session.refresh(contract)
