"""Which flat a personal account pays for."""

from __future__ import annotations

from sqlalchemy import select

from core.api import PersonalAccount, session
from plugins.housing.models import AccountPremises, Premises


def flat_of(account: PersonalAccount) -> Premises | None:
    """The flat (premises) ``account`` is bound to, or ``None``."""
    binding = session.scalar(select(AccountPremises).where(AccountPremises.personal_account_id == account.id))
    return binding.premises if binding is not None else None
