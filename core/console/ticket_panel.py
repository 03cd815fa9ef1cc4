"""The subscriber panel on the operator's ticket page: balance and last payments (core) plus plugins' cards."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from core.access.guard import can
from core.accounts.models import PersonalAccount
from core.accounts.service import accounts_of
from core.db import session
from core.identity.models import User
from core.payments.models import MOVED, POSTED, Payment
from core.plugins.manager import flatten
from core.plugins.markers import hookimpl
from core.plugins.state import tenant_hooks
from core.plugins.types import Widget
from core.support.models import Ticket

LAST_PAYMENTS = 5


def ticket_account(ticket: Ticket) -> PersonalAccount | None:
    """The account the ticket is about: the one it names, else the author's only account (``None`` if several)."""
    if ticket.personal_account_id:
        return session.get(PersonalAccount, ticket.personal_account_id)
    author = session.get(User, ticket.author_id)
    accounts = accounts_of(author) if author is not None else []
    return accounts[0] if len(accounts) == 1 else None


def panel(tenant, ticket: Ticket) -> list[Widget]:
    """Every card about the ticket's subscriber, core's and the tenant's plugins', in ascending ``order``."""
    account = ticket_account(ticket)
    cards = flatten(tenant_hooks(tenant).ticket_panel(tenant=tenant, ticket=ticket, account=account))
    return sorted(cards, key=lambda w: w.order)


@hookimpl(trylast=True)
def ticket_panel(tenant, ticket, account) -> list[Widget]:
    if account is None:
        return []
    payments = list(
        session.scalars(
            select(Payment)
            .where(Payment.personal_account_id == account.id, Payment.status.in_((POSTED, MOVED)))
            .order_by(Payment.id.desc())
            .limit(LAST_PAYMENTS)
        )
    )
    html = render_template(
        "console/ticket_account.html", account=account, payments=payments, can_open=can("accounts.view")
    )
    return [Widget(_("Personal account %(number)s", number=account.number), html, order=10)]
