"""Payments of one day for the operator (``/admin/payments``): every payment that reached an account, with CSV."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.access.guard import require
from core.accounts.models import PersonalAccount
from core.console.blueprint import blueprint
from core.db import session
from core.payments.models import CARD, MANUAL, MOVED, POSTED, REGISTRY, Payment
from core.web.bounds import parse_day
from core.web.csv_export import csv_response, money_cell
from core.web.sorting import SortOrder, chosen_order

CHANNEL_TITLES = {CARD: _l("card"), REGISTRY: _l("bank registry"), MANUAL: _l("at the office")}
DAY_ORDERS = (
    SortOrder("time", _l("by time"), (Payment.posted_at, Payment.id)),
    SortOrder("amount", _l("largest first"), (Payment.amount.desc(), Payment.id)),
    SortOrder("account", _l("by account"), (PersonalAccount.number, Payment.id)),
)
DAY_LIMIT = 10_000


def payments_of_day(tenant, day, order: SortOrder = DAY_ORDERS[0]) -> list[tuple[Payment, str]]:
    """Payments posted to an account (or moved out of suspense) during ``day`` in the tenant's time zone,
    each with the number of the account it reached."""
    start = datetime.combine(day, time.min, tzinfo=tenant.zone)
    stmt = (
        select(Payment, PersonalAccount.number)
        .outerjoin(PersonalAccount, PersonalAccount.id == Payment.personal_account_id)
        .where(
            Payment.status.in_((POSTED, MOVED)),
            Payment.posted_at >= start,
            Payment.posted_at < start + timedelta(days=1),
        )
        .order_by(*order.columns)
        .limit(DAY_LIMIT)
    )
    return [(payment, number or payment.account_number) for payment, number in session.execute(stmt)]


def channel_title(channel: str) -> str:
    title = CHANNEL_TITLES.get(channel)
    return str(title) if title is not None else channel


@blueprint.get("/payments")
@require("accounts.view")
def payments_day():
    tenant = g.tenant
    day = parse_day(request.args.get("date")) or tenant.today()
    order = chosen_order(DAY_ORDERS)
    rows = payments_of_day(tenant, day, order)
    if request.args.get("format") == "csv":
        header = [_l("Time"), _l("Personal account"), _l("Payer"), _l("How"), _l("Sum, ₽"), _l("Payment id")]
        return csv_response(
            f"payments-{day.isoformat()}.csv",
            header,
            (
                (
                    tenant.local_time(p.posted_at).strftime("%H:%M"),
                    number,
                    p.payer,
                    channel_title(p.channel),
                    money_cell(p.amount),
                    p.external_id,
                )
                for p, number in rows
            ),
        )
    return render_template(
        "admin/payments_day.html",
        rows=rows,
        day=day,
        total=sum(p.amount for p, _number in rows),
        orders=DAY_ORDERS,
        order=order,
        channel_title=channel_title,
        local_time=tenant.local_time,
    )
