"""Notices about a voluntary block (``isp_freeze``): planned, started, cancelled, finished."""

from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _

from core.api import Tenant, format_money, notify, recipient_language, users_of_account
from plugins.isp.freeze.rules import FEE_ONCE
from plugins.isp.models import Contract, Freeze


def tell(tenant: Tenant, contract: Contract, change: str, freeze: Freeze) -> None:
    """Tell the contract's users that ``freeze`` was ``scheduled``, ``started``, ``cancelled`` or ``finished``."""
    for user in users_of_account(contract.account):
        with recipient_language(user, tenant):
            first, last = format_date(freeze.starts_on, "d MMMM y"), format_date(freeze.last_day, "d MMMM y")
            if change == "scheduled":
                title = _("Voluntary block planned from %(first)s to %(last)s", first=first, last=last)
                body = _("Services of contract %(number)s will stop on %(first)s.", number=contract.number, first=first)
            elif change == "started":
                title = _("Your services are frozen until %(last)s", last=last)
                body = _("Services of contract %(number)s are voluntarily blocked.", number=contract.number)
                if freeze.fee_kind == FEE_ONCE and freeze.fee:
                    body += " " + _("The block fee of %(fee)s is charged.", fee=format_money(freeze.fee))
            elif change == "cancelled":
                title = _("The voluntary block from %(first)s is cancelled", first=first)
                body = _("Services of contract %(number)s keep working.", number=contract.number)
            else:
                title = _("Your services are active again")
                body = _("The voluntary block of contract %(number)s has ended.", number=contract.number)
        notify(user, "isp_freeze", title, body, dedupe_key=f"isp:freeze:{freeze.id}:{change}", tenant=tenant)
