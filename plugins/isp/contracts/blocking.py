"""Debt blocking: services stop when the money runs out and come back the moment it is paid.

The balance already holds a promised payment's credit (the ledger posts it), so "balance + credit
below zero" is simply "balance below zero". The tenant chooses to block at once or after a grace
period of days in debt (``block_grace_days``). :func:`refresh` is the one place that decides; it is
called after every charge run, payment (``on_payments_posted``, through :func:`refresh_paid`), promise
and freeze change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from core.api import (
    Notice,
    PersonalAccount,
    Tenant,
    User,
    audit,
    audit_many,
    format_money,
    ledger,
    notify_each,
    one_of,
    plugin_settings,
    recipient_locale,
    session,
    users_of_accounts,
    utcnow,
)
from plugins.isp.common.calendar import tenant_today
from plugins.isp.models import Contract

LedgerAccount = ledger.LedgerAccount

BLOCKED = "blocked"
UNBLOCKED = "unblocked"


def refresh(
    tenant: Tenant, contract: Contract, now: datetime | None = None, *, grace_days: int | None = None
) -> str | None:
    """Block or unblock ``contract`` by its balance and the tenant's policy; returns what changed.

    Returns ``"blocked"``, ``"unblocked"`` or ``None``. Subscribers are notified of either change.
    Works in the caller's transaction; the caller commits. ``grace_days`` is the tenant's
    ``block_grace_days`` setting, read here when not given (the charge run passes it for many contracts).
    """
    if contract.account.status == "closed":
        return None  # a terminated contract has no services to block; its debt stays on the final statement
    now = now or utcnow()
    today = tenant_today(tenant, now)
    balance = contract.account.balance
    if balance >= 0:
        contract.negative_since = None
        if contract.blocked_since is None:
            return None
        contract.blocked_since = None
        session.flush()
        audit("isp.unblock", "contract", contract.number, None, {"balance": balance})
        _tell(tenant, contract, UNBLOCKED, now)
        return UNBLOCKED
    if contract.negative_since is None:
        contract.negative_since = today
    if contract.blocked_since is not None:
        return None
    grace = plugin_settings(tenant, "isp").block_grace_days if grace_days is None else grace_days
    if (today - contract.negative_since).days < grace:
        return None
    contract.blocked_since = now
    session.flush()
    audit("isp.block", "contract", contract.number, None, {"balance": balance})
    _tell(tenant, contract, BLOCKED, now)
    return BLOCKED


def refresh_paid(tenant: Tenant, account_ids: Iterable[int], now: datetime | None = None) -> list[int]:
    """:func:`refresh` for the contracts of a batch of paid accounts, set-based; returns the ids of those unblocked.

    ``account_ids`` are the paid personal accounts. Only contracts in debt or blocked are read (one
    query for their state and balances, no objects). One whose balance is back at ≥ 0 forgets its
    debt (one ``UPDATE`` for the batch) and, if it was blocked, is unblocked (audited; its users
    told, a few queries for the batch). A contract still in debt goes through :func:`refresh` one by
    one (the policy may block it).
    """
    ids = sorted(set(account_ids))
    if not ids:
        return []
    now = now or utcnow()
    session.flush()
    rows = session.execute(
        select(
            Contract.id, Contract.number, Contract.personal_account_id, Contract.blocked_since, LedgerAccount.balance
        )
        .join(PersonalAccount, PersonalAccount.id == Contract.personal_account_id)
        .join(LedgerAccount, LedgerAccount.id == PersonalAccount.ledger_account_id)
        .where(
            one_of(Contract.personal_account_id, ids),  # (the contracts' index: not a scan of every contract)
            PersonalAccount.status != "closed",
            Contract.negative_since.is_not(None) | Contract.blocked_since.is_not(None) | (LedgerAccount.balance < 0),
        )
    ).all()
    rows.sort(key=lambda row: row.id)  # (sorted here: ORDER BY id would make SQLite scan every contract by id)
    in_debt = [row.id for row in rows if row.balance < 0]
    if in_debt:
        for contract in session.scalars(select(Contract).where(Contract.id.in_(in_debt)).order_by(Contract.id)):
            refresh(tenant, contract, now)
    settled = [row for row in rows if row.balance >= 0]
    if not settled:
        return []
    session.execute(
        update(Contract)
        .where(Contract.id.in_([row.id for row in settled]))  # (a few: those in debt or blocked)
        .values(negative_since=None, blocked_since=None)
        .execution_options(synchronize_session="evaluate")  # contracts already in the session see it too
    )
    unblocked = [
        _Changed(row.id, row.number, row.personal_account_id, row.balance) for row in settled if row.blocked_since
    ]
    audit_many("isp.unblock", "contract", [(c.number, None, {"balance": c.balance}) for c in unblocked])
    _tell_many(tenant, unblocked, UNBLOCKED, now)
    return [contract.id for contract in unblocked]


class _Changed(NamedTuple):
    """A contract whose services were blocked or restored, as its subscribers are told."""

    id: int
    number: str
    personal_account_id: int
    balance: int


def _formats(change: str) -> tuple[str, str]:
    """The title and body of a change, in the current language, with ``%(number)s`` and ``%(balance)s`` to fill."""
    if change == BLOCKED:
        return (
            _("Services of contract %(number)s are blocked for debt"),
            _("The balance is %(balance)s. Top up the account or take a promised payment to restore them."),
        )
    return _("Services of contract %(number)s are active again"), _("The balance is %(balance)s.")


def _tell_many(tenant: Tenant, contracts: list[_Changed], change: str, now: datetime) -> None:
    """:func:`_tell` for many contracts at once (one query for their users, a few for the notices; the words
    once per language)."""
    if not contracts:
        return
    holders = users_of_accounts(contract.personal_account_id for contract in contracts)
    by_locale: dict[str, list[tuple[_Changed, User]]] = {}
    for contract in contracts:
        for user in holders[contract.personal_account_id]:
            by_locale.setdefault(recipient_locale(user, tenant), []).append((contract, user))
    stamp = now.isoformat(timespec="seconds")
    notices = []
    for locale, pairs in by_locale.items():
        with force_locale(locale):
            title, body = _formats(change)
            money: dict[int, str] = {}
            for contract, user in pairs:
                if contract.balance not in money:
                    money[contract.balance] = format_money(contract.balance)
                values = {"number": contract.number, "balance": money[contract.balance]}
                key = f"isp:{change}:{contract.id}:{stamp}"
                notices.append(Notice(user, "isp_service_state", title % values, body % values, dedupe_key=key))
    notify_each(notices, tenant=tenant)


def _tell(tenant: Tenant, contract: Contract, change: str, now: datetime) -> None:
    changed = _Changed(contract.id, contract.number, contract.personal_account_id, contract.account.balance)
    _tell_many(tenant, [changed], change, now)
