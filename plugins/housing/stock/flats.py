"""Which flat a personal account pays for, and the flat's meters: the one lookup pages and the API share."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from core.api import PersonalAccount, session
from plugins.housing.models import AccountPremises, Meter, Premises


def flat_of(account: PersonalAccount | int) -> Premises | None:
    """The flat the account (or the account with that id) is bound to (with its building), or ``None``."""
    account_id = account if isinstance(account, int) else account.id
    binding = session.scalar(select(AccountPremises).where(AccountPremises.personal_account_id == account_id))
    return binding.premises if binding is not None else None


def flats_of(account_ids: Iterable[int]) -> dict[int, Premises]:
    """account id → its flat, for those of ``account_ids`` that are bound to one (one statement)."""
    ids = list(account_ids)
    if not ids:
        return {}
    rows = session.scalars(select(AccountPremises).where(AccountPremises.personal_account_id.in_(ids)))
    return {row.personal_account_id: row.premises for row in rows}


def meters_of(flat: Premises) -> list[Meter]:
    """The flat's meters in use (not archived), by kind and serial number."""
    return list(
        session.scalars(
            select(Meter)
            .where(Meter.premises_id == flat.id, Meter.archived_on.is_(None))
            .order_by(Meter.kind, Meter.serial)
        )
    )
