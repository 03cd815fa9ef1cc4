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

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from core.api import (
    Notice,
    PersonalAccount,
    Tenant,
    audit,
    format_money,
    ledger,
    notify_each,
    plugin_settings,
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


def refresh_paid(tenant: Tenant, accounts: Iterable[PersonalAccount], now: datetime | None = None) -> list[Contract]:
    """:func:`refresh` for the contracts of a batch of paid accounts, set-based; returns the contracts unblocked.

    Only contracts in debt or blocked are loaded (one query). One whose balance is back at ≥ 0 forgets
    its debt (one ``UPDATE`` for the batch) and, if it was blocked, is unblocked (audited; its users
    told, a few queries for the batch). A contract still in debt goes through :func:`refresh` one by
    one (the policy may block it).
    """
    ids = sorted({account.id for account in accounts})
    if not ids:
        return []
    now = now or utcnow()
    session.flush()
    contracts = session.scalars(
        select(Contract)
        .join(PersonalAccount, PersonalAccount.id == Contract.personal_account_id)
        .join(LedgerAccount, LedgerAccount.id == PersonalAccount.ledger_account_id)
        .where(
            PersonalAccount.id.in_(ids),
            PersonalAccount.status != "closed",
            Contract.negative_since.is_not(None) | Contract.blocked_since.is_not(None) | (LedgerAccount.balance < 0),
        )
        .order_by(Contract.id)
    ).all()
    settled: list[Contract] = []
    for contract in contracts:
        if contract.account.balance < 0:
            refresh(tenant, contract, now)
        else:
            settled.append(contract)
    if not settled:
        return []
    session.execute(
        update(Contract)
        .where(Contract.id.in_([contract.id for contract in settled]))
        .values(negative_since=None, blocked_since=None)
        .execution_options(synchronize_session=False)
    )
    unblocked = [contract for contract in settled if contract.blocked_since is not None]
    for contract in settled:
        session.expire(contract, ["negative_since", "blocked_since"])
    for contract in unblocked:
        audit("isp.unblock", "contract", contract.number, None, {"balance": contract.account.balance})
    _tell_many(tenant, unblocked, UNBLOCKED, now)
    return unblocked


def _words(tenant: Tenant, contract: Contract, change: str, locale: str | None) -> tuple[str, str]:
    with force_locale(locale or tenant.locale):
        if change == BLOCKED:
            title = _("Services of contract %(number)s are blocked for debt", number=contract.number)
            body = _(
                "The balance is %(balance)s. Top up the account or take a promised payment to restore them.",
                balance=format_money(contract.account.balance),
            )
        else:
            title = _("Services of contract %(number)s are active again", number=contract.number)
            body = _("The balance is %(balance)s.", balance=format_money(contract.account.balance))
    return title, body


def _tell_many(tenant: Tenant, contracts: list[Contract], change: str, now: datetime) -> None:
    """:func:`_tell` for many contracts at once (one query for their users, a few for the notices)."""
    if not contracts:
        return
    holders = users_of_accounts(contract.personal_account_id for contract in contracts)
    notices = []
    for contract in contracts:
        for user in holders[contract.personal_account_id]:
            title, body = _words(tenant, contract, change, user.locale)
            key = f"isp:{change}:{contract.id}:{now.isoformat(timespec='seconds')}"
            notices.append(Notice(user, "isp_service_state", title, body, dedupe_key=key))
    notify_each(notices, tenant=tenant)


def _tell(tenant: Tenant, contract: Contract, change: str, now: datetime) -> None:
    _tell_many(tenant, [contract], change, now)
