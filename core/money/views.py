"""Subscriber pages: balance, history, statistics, top up by card, receipts, account switcher."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema

from core.access.guard import require
from core.db import session
from core.money.charts import bar_chart
from core.money.current import choose_account, current_account, my_accounts
from core.money.figures import (
    balance_view,
    month_range,
    monthly_totals,
    months_before,
    operations,
    operations_page,
)
from core.money.format import AmountError, month_label, parse_rubles
from core.payments.paykeeper import start_card_payment
from core.payments.service import PaymentError
from core.receipts.model import build_receipt
from core.receipts.views import receipt_css as render_receipt_css
from core.receipts.views import render_receipt_html, render_receipt_pdf
from core.tenants.current import current_tenant
from core.web.bounds import parse_day, parse_month
from core.web.input import Id, Text, posted_next, read_form
from core.web.pagination import requested_page
from core.web.urls import safe_next

blueprint = Blueprint("money", __name__, url_prefix="/money")

HISTORY_PAGE = 50
KINDS = ("charge", "payment", "correction", "reversal", "promise")


class AccountChoice(Schema):
    account_id = Id(load_default=None)


class PayForm(Schema):
    amount = Text(50)


def _today() -> date:
    return current_tenant().today()


def _account_or_none_page():
    account = current_account()
    if account is None:
        return None, (render_template("money/no_account.html"), 200)
    return account, None


@blueprint.get("/")
@require("cabinet.use")
def overview():
    account, page = _account_or_none_page()
    if page:
        return page
    return render_template(
        "money/overview.html",
        account=account,
        accounts=my_accounts(),
        balance=balance_view(g.tenant, account, _today()),
        recent=operations(account, limit=10),
    )


@blueprint.post("/switch")
@require("cabinet.use")
def switch():
    choice = read_form(AccountChoice())
    choose_account(choice.data.get("account_id") or 0)
    return redirect(safe_next(posted_next(), "money.overview"))


@blueprint.get("/history")
@require("cabinet.use")
def history():
    account, page = _account_or_none_page()
    if page:
        return page
    tz = current_tenant().zone
    start_day, end_day = parse_day(request.args.get("from")), parse_day(request.args.get("to"))
    kind = request.args.get("kind", "")
    wanted = requested_page()
    start = datetime.combine(start_day, datetime.min.time(), tz) if start_day else None
    end = datetime.combine(end_day + timedelta(days=1), datetime.min.time(), tz) if end_day else None
    page = operations_page(
        account,
        start,
        end,
        [kind] if kind in KINDS else None,
        after=wanted.after,
        before=wanted.before,
        size=HISTORY_PAGE,
    )
    return render_template(
        "money/history.html",
        account=account,
        rows=page.rows,
        page=page,
        start=start_day,
        end=end_day,
        kind=kind,
        kinds=KINDS,
    )


@blueprint.get("/stats")
@require("cabinet.use")
def stats():
    account, page = _account_or_none_page()
    if page:
        return page
    today = _today()
    last = parse_month(request.args.get("to")) or f"{today.year:04d}-{today.month:02d}"
    first = parse_month(request.args.get("from")) or months_before(last, 11)
    months = month_range(first, last)
    totals = monthly_totals(g.tenant, account, months[0], months[-1]) if months else []
    return render_template(
        "money/stats.html",
        account=account,
        totals=totals,
        chart=bar_chart(totals),
        first=first,
        last=last,
        paid_total=sum(t.paid for t in totals),
        charged_total=sum(t.charged for t in totals),
    )


@blueprint.route("/pay", methods=["GET", "POST"])
@require("cabinet.use")
def pay():
    account, page = _account_or_none_page()
    if page:
        return page
    error = None
    amount_text = read_form(PayForm()).values.get("amount", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            amount = parse_rubles(amount_text)
            _payment, url = start_card_payment(account, amount)
        except AmountError:
            error = _("Enter the amount in rubles, for example 500 or 499,90.")
        except PaymentError as refused:
            error = str(refused)
        else:
            session.commit()
            return redirect(url)
    money = balance_view(g.tenant, account, _today())
    suggested = money.keep_on or money.debt
    return render_template(
        "money/pay.html", account=account, error=error, amount_text=amount_text, suggested=suggested, balance=money
    ), (400 if error else 200)


def _receipt_or_page():
    """The current account's receipt for the requested period, or the page to show instead."""
    account, page = _account_or_none_page()
    if page:
        return None, page
    try:
        return build_receipt(g.tenant, account, _period()), None
    except ValueError:
        abort(404)


@blueprint.get("/receipt")
@require("cabinet.use")
def receipt():
    data, page = _receipt_or_page()
    if page:
        return page
    period = _period()
    return render_receipt_html(
        data,
        in_shell=True,
        css_url=url_for("money.receipt_css"),
        pdf_url=url_for("money.receipt_pdf", period=period),
        periods=receipt_periods(_today()),
    )


RECEIPT_MONTHS = 36


def receipt_periods(today: date) -> list[tuple[str, str]]:
    """The months a subscriber may pick a receipt for: this one and the 35 before, newest first."""
    last = f"{today.year:04d}-{today.month:02d}"
    months = month_range(months_before(last, RECEIPT_MONTHS - 1), last)
    return [(month, month_label(month)) for month in reversed(months)]


@blueprint.get("/receipt.css")
@require("cabinet.use")
def receipt_css():
    response = Response(render_receipt_css(), mimetype="text/css")
    response.cache_control.max_age = 3600
    return response


def _period() -> str:
    period = request.args.get("period") or _today().strftime("%Y-%m")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        abort(404)
    return period


@blueprint.get("/receipt.pdf")
@require("cabinet.use")
def receipt_pdf():
    data, page = _receipt_or_page()
    if page:
        return page
    filename = f"receipt-{data.payer.account_number}-{_period()}.pdf"
    return Response(
        render_receipt_pdf(data),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
