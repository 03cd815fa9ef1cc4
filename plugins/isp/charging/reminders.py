"""Low-balance reminders after a chunk of a day's charges: subscribers whose money lasts
``low_balance_days`` or less are told once per contract and day."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from core.api import (
    PersonalAccount,
    Tenant,
    User,
    format_money,
    ledger,
    notify,
    recipient_language,
    session,
    users_of_accounts,
)
from plugins.isp.charging.plan import Plan
from plugins.isp.common.calendar import days_in_month
from plugins.isp.models import Contract

LedgerAccount = ledger.LedgerAccount


def low_balances(plan: Plan, money: dict[int, list[int]]) -> dict[int, int]:
    """``{contract id: daily cost}`` of the contracts to remind, from ``{contract id: [monthly fee of
    its charged services, balance after the charges]}`` (no database access)."""
    if not plan.remind_days:
        return {}
    month_days = days_in_month(plan.day)
    low: dict[int, int] = {}
    for contract_id, (fee, balance) in money.items():
        cost = -(-fee // month_days)
        if cost <= 0 or balance // cost > plan.remind_days:
            continue
        if balance < 0 and not plan.grace_days:
            continue  # blocked at once: the block notice says it
        low[contract_id] = cost
    return low


def remind_low_balances(tenant: Tenant, plan: Plan, money: dict[int, list[int]]) -> int:
    """Remind the subscribers of the contracts :func:`low_balances` finds; returns how many contracts.

    Two queries whatever the number of contracts: their numbers and posted balances, their users.
    """
    low = low_balances(plan, money)
    if not low:
        return 0
    found = session.execute(
        select(Contract.id, Contract.number, Contract.personal_account_id, LedgerAccount.balance)
        .join(PersonalAccount, PersonalAccount.id == Contract.personal_account_id)
        .join(LedgerAccount, LedgerAccount.id == PersonalAccount.ledger_account_id)
        .where(Contract.id.in_(low))
    ).all()
    users = users_of_accounts(row.personal_account_id for row in found)
    for contract_id, number, account_id, balance in found:
        for user in users[account_id]:
            _remind(tenant, user, contract_id, number, balance, low[contract_id], plan.day)
    return len(low)


def _remind(tenant: Tenant, user: User, contract_id: int, number: str, balance: int, cost: int, day: date) -> None:
    with recipient_language(user, tenant):
        title = _("Low balance on contract %(number)s", number=number)
        if balance < 0:
            body = _(
                "The balance is %(balance)s. Top up the account, or the services will be blocked for debt.",
                balance=format_money(balance),
            )
        else:
            left = balance // cost
            body = ngettext(
                "The balance is %(balance)s: enough for %(num)d day of services. Top up to keep them running.",
                "The balance is %(balance)s: enough for %(num)d days of services. Top up to keep them running.",
                left,
                balance=format_money(balance),
            )
    notify(
        user, "low_balance", title, body, dedupe_key=f"isp:low_balance:{contract_id}:{day.isoformat()}", tenant=tenant
    )
