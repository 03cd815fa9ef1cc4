"""Debt blocking: services stop when the money runs out and come back the moment it is paid.

The balance already holds a promised payment's credit (the ledger posts it), so "balance + credit
below zero" is simply "balance below zero". The tenant chooses to block at once or after a grace
period of days in debt (``block_grace_days``). :func:`refresh` is the one place that decides; it is
called after every charge run, payment (``on_payment_posted``), promise and freeze change.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from core.api import Tenant, audit, format_money, notify, plugin_settings, session, users_of_account, utcnow
from plugins.isp.common.calendar import tenant_today
from plugins.isp.models import Contract

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


def _tell(tenant: Tenant, contract: Contract, change: str, now: datetime) -> None:
    for user in users_of_account(contract.account):
        with force_locale(user.locale or tenant.locale):
            if change == BLOCKED:
                title = _("Services of contract %(number)s are blocked for debt", number=contract.number)
                body = _(
                    "The balance is %(balance)s. Top up the account or take a promised payment to restore them.",
                    balance=format_money(contract.account.balance),
                )
            else:
                title = _("Services of contract %(number)s are active again", number=contract.number)
                body = _("The balance is %(balance)s.", balance=format_money(contract.account.balance))
        notify(
            user,
            "isp_service_state",
            title,
            body,
            dedupe_key=f"isp:{change}:{contract.id}:{now.isoformat(timespec='seconds')}",
            tenant=tenant,
        )
