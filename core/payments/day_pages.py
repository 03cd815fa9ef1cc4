"""Payments of one day for the operator (``/admin/payments``): every payment that reached an account, with CSV."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

from flask import g, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from core.access.guard import require
from core.accounts.models import PersonalAccount
from core.console.blueprint import blueprint
from core.db import session
from core.db.keyset import keyset_page
from core.payments.models import CARD, MANUAL, MOVED, POSTED, REGISTRY, Payment
from core.web.bounds import parse_day
from core.web.csv_export import csv_response, money_cell
from core.web.pagination import requested_page
from core.web.sorting import SortOrder, chosen_order

CHANNEL_TITLES = {CARD: _l("card"), REGISTRY: _l("bank registry"), MANUAL: _l("at the office")}
DAY_ORDERS = (
    SortOrder("time", _l("by time"), (Payment.posted_at, Payment.id)),
    SortOrder("amount", _l("largest first"), (Payment.amount.desc(), Payment.id)),
    # the account's number, or the number the payment named when it reached no account of this site
    SortOrder("account", _l("by account"), (func.coalesce(PersonalAccount.number, Payment.account_number), Payment.id)),
)
PAGE_SIZE = 100  # payments per page; the summary and the CSV cover the whole day


def _of_day(tenant, day) -> Select:
    """Payments posted to an account (or moved out of suspense) during ``day`` in the tenant's time zone, each with
    the number of the account it reached; without an order."""
    start = datetime.combine(day, time.min, tzinfo=tenant.zone)
    return (
        select(Payment, PersonalAccount.number)
        .outerjoin(PersonalAccount, PersonalAccount.id == Payment.personal_account_id)
        .where(
            Payment.status.in_((POSTED, MOVED)),
            Payment.posted_at >= start,
            Payment.posted_at < start + timedelta(days=1),
        )
    )


def payments_of_day(tenant, day, order: SortOrder = DAY_ORDERS[0]) -> Iterator[tuple[Payment, str]]:
    """Every payment of ``day`` (see :func:`_of_day`) in ``order``, read in batches (the CSV of a billing day)."""
    rows = session.execute(_of_day(tenant, day).order_by(*order.columns).execution_options(yield_per=1000))
    return ((payment, number or payment.account_number) for payment, number in rows)


def day_summary(tenant, day) -> tuple[int, int]:
    """How many payments ``day`` has and their sum in kopecks, counted in the database."""
    counted = _of_day(tenant, day).with_only_columns(
        func.count(Payment.id), func.coalesce(func.sum(Payment.amount), 0), maintain_column_froms=True
    )
    count, total = session.execute(counted).one()
    return count, int(total)


def channel_title(channel: str) -> str:
    title = CHANNEL_TITLES.get(channel)
    return str(title) if title is not None else channel


@blueprint.get("/payments")
@require("accounts.view")
def payments_day():
    tenant = g.tenant
    day = parse_day(request.args.get("date")) or tenant.today()
    order = chosen_order(DAY_ORDERS)
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
                for p, number in payments_of_day(tenant, day, order)
            ),
        )
    count, total = day_summary(tenant, day)
    wanted = requested_page()
    page = keyset_page(
        _of_day(tenant, day), order.columns, size=PAGE_SIZE, after=wanted.after, before=wanted.before, total=count
    ).map(lambda row: (row[0], row[1] or row[0].account_number))
    return render_template(
        "admin/payments_day.html",
        rows=page.rows,
        page=page,
        count=count,
        day=day,
        total=total,
        orders=DAY_ORDERS,
        order=order,
        channel_title=channel_title,
        local_time=tenant.local_time,
    )
