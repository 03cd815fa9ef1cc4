"""Checking the proof of a flat: the account number with its flat number, or with its last bill's sum and month.

:func:`matching_account` does the same work whatever was typed — one lookup of the account and one of its flat
(or its last bill), with an id that matches nothing when there is no such account — so neither the answer nor
its timing tells a missing account number from a wrong proof.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from core.api import PersonalAccount, find_account, session
from plugins.housing.models import AccountPremises, Accrual, Premises
from plugins.housing.registration.settings import LAST_BILL

NO_ACCOUNT = -1  # an id no row has: the missing account's branch runs the same query as the found one's
OPEN = "open"


@dataclass(frozen=True)
class Proof:
    """What the resident typed: the flat number, or the last bill's month (its first day) and sum in kopecks."""

    flat_number: str = ""
    month: date | None = None
    amount: int | None = None


def same_flat_number(printed: str, typed: str) -> bool:
    """The number as printed on the payment document: case and runs of spaces aside, character for character."""
    return " ".join(printed.split()).casefold() == " ".join(typed.split()).casefold()


def _flat_number(account_id: int) -> str | None:
    return session.scalar(
        select(Premises.number)
        .join(AccountPremises, AccountPremises.premises_id == Premises.id)
        .where(AccountPremises.personal_account_id == account_id)
    )


def last_bill(account_id: int) -> tuple[date, int] | None:
    """The month of the account's latest accruals and their sum in kopecks, or ``None`` before its first bill."""
    row = session.execute(
        select(Accrual.period, func.sum(Accrual.amount))
        .where(Accrual.personal_account_id == account_id)
        .group_by(Accrual.period)
        .order_by(Accrual.period.desc())
        .limit(1)
    ).first()
    return (row[0], int(row[1])) if row is not None else None


def matching_account(number: str, proof: Proof, policy: str) -> PersonalAccount | None:
    """The current tenant's open account ``number`` if ``proof`` (under ``policy``) fits its flat, else ``None``."""
    account = find_account(number)
    usable = account is not None and account.status == OPEN
    account_id = account.id if usable and account is not None else NO_ACCOUNT
    if policy == LAST_BILL:
        bill = last_bill(account_id)
        fits = bill is not None and proof.month is not None and bill == (proof.month, proof.amount)
    else:
        printed = _flat_number(account_id)
        fits = printed is not None and same_flat_number(printed, proof.flat_number)
    return account if usable and fits else None
