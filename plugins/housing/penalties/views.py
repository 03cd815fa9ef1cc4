"""The resident's debts and penalties, ``housing.penalties`` (``/housing/penalties?on=YYYY-MM-DD``).

Each unpaid month: its amount, the day it was due, days late, the penalty so far and how it is made up (days,
debt, the share of the rate); a warning while a debt is in its free days ("pay by … to avoid penalties"). The
calculator answers "what if I pay on that day": every debt reckoned on the day typed.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import render_template, request
from marshmallow import Schema, fields, validate

from core.api import current_account, current_tenant, format_money, read_form, require
from plugins.housing.common import clock
from plugins.housing.common.blueprints import web
from plugins.housing.penalties.calculator import kopecks
from plugins.housing.penalties.debts import debts
from plugins.housing.stock.flats import flat_of

PERMISSION = "housing.bills.view"


class CalculatorForm(Schema):
    """The day to reckon the penalties on (today when not given)."""

    on = fields.Date(load_default=None, validate=validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31)))


def _percent(rate) -> str:
    return f"{(rate * 100).normalize():f}".replace(".", ",") + " %"


@web.get("/penalties")
@require(PERMISSION)
def penalties():
    """The current account's unpaid months with their penalties, reckoned today or on the day asked."""
    account = current_account()
    if account is None or flat_of(account) is None:
        return render_template("housing/epd/no_flat.html")
    tenant = current_tenant()
    today = clock.today()
    form = read_form(CalculatorForm(), request.args)
    on = (form.data.get("on") if form.ok else None) or today
    found = debts(tenant, account, on)
    rows = [
        {
            "debt": debt,
            "warn": debt.days_late > 0 and on < debt.penalty.first_penalty_day,
            "free_until": debt.penalty.first_penalty_day - timedelta(days=1),
            "runs": [
                {"run": run, "rate": _percent(run.rate), "amount": format_money(kopecks(run.amount))}
                for run in debt.penalty.runs
            ],
        }
        for debt in found
    ]
    return render_template(
        "housing/penalties/penalties.html",
        rows=rows,
        on=on,
        today=today,
        form=form,
        total_debt=sum(debt.outstanding for debt in found),
        total_penalty=sum(debt.penalty.total for debt in found),
    ), (200 if form.ok else 400)
