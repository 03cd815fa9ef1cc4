"""The resident's accruals page, ``housing.accruals`` (``/housing/accruals?period=YYYY-MM``): each service's
amount for the month, the change from the month before, and "why this amount" — the method, its inputs and the
priced pieces — so no kopeck goes unexplained."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.api import current_account, format_money, require, session
from plugins.housing.accruals.methods import (
    AVERAGE,
    METERED,
    NORM,
    PER_AREA,
    RECALCULATION,
    SHARED_BY_AREA,
    TRUE_UP,
)
from plugins.housing.common import clock
from plugins.housing.common.blueprints import web
from plugins.housing.common.numbers import decimal_comma, unit_price
from plugins.housing.models import Accrual, HousingService

METHOD_LABELS = {
    METERED: _l("by the meter: volume × tariff"),
    NORM: _l("by the norm: persons × norm × tariff"),
    AVERAGE: _l("no reading: the average of your last months × tariff"),
    TRUE_UP: _l("readings resumed: the real use less what was estimated, × tariff"),
    PER_AREA: _l("by area: m² × rate"),
    SHARED_BY_AREA: _l("the building meter's volume shared by area × tariff"),
    RECALCULATION: _l("an earlier month's reading changed: its use now less what was billed, × that month's tariff"),
}
INPUT_LABELS = {
    "volume": _l("volume"),
    "persons": _l("registered persons"),
    "norm": _l("norm per person"),
    "norm_from": _l("norm in force since"),
    "multiplier": _l("multiplier without a meter"),
    "average_of_months": _l("months averaged"),
    "average": _l("average use a month"),
    "months_missing": _l("months without a reading"),
    "actual": _l("real use"),
    "billed": _l("estimated before"),
    "area": _l("area, m²"),
    "building_volume": _l("building meter's volume"),
    "building_area": _l("building's area, m²"),
    "month": _l("month recalculated"),
    "billed_before": _l("billed for it before"),
}


def _period() -> date:
    text = request.args.get("period", "")
    if not text:
        latest = session.scalar(
            select(Accrual.period)
            .where(Accrual.personal_account_id == current_account().id)
            .order_by(Accrual.period.desc())
        )
        return latest or clock.today().replace(day=1)
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        abort(404)


def _previous(period: date) -> date:
    return date(period.year - 1, 12, 1) if period.month == 1 else date(period.year, period.month - 1, 1)


@web.get("/accruals")
@require("housing.readings.submit")
def accruals():
    """The month's accrual lines of the current account with their traces."""
    account = current_account()
    if account is None:
        return render_template("housing/readings/no_flat.html")
    period = _period()
    rows = {
        (row.period, row.service): row
        for row in session.scalars(
            select(Accrual).where(
                Accrual.personal_account_id == account.id, Accrual.period.in_([period, _previous(period)])
            )
        )
    }
    titles = {service.code: service.title for service in session.scalars(select(HousingService))}
    lines = []
    for (line_period, code), row in sorted(rows.items(), key=lambda item: item[0][1]):
        if line_period != period:
            continue
        before = rows.get((_previous(period), code))
        lines.append(
            {
                "title": titles.get(code.split(":")[0], code),
                "amount": format_money(row.amount),
                "change": None if before is None else format_money(row.amount - before.amount),
                "method": METHOD_LABELS.get(row.method, row.method),
                "inputs": [(INPUT_LABELS.get(k, k), _shown(v)) for k, v in row.trace.get("inputs", {}).items()],
                "pieces": [_piece(piece) for piece in row.trace.get("pieces", [])],
                "shared": row.trace.get("accounts", 1),
                "flat_amount": format_money(row.trace.get("flat_amount", row.amount)),
            }
        )
    total = sum(row.amount for (p, _c), row in rows.items() if p == period)
    return render_template(
        "housing/accruals/accruals.html",
        period=period,
        lines=lines,
        total=format_money(total),
        previous=_previous(period),
    )


def _shown(value: str) -> str:
    """A trace input as stored (a number's text, or a date) in the resident's way of writing numbers."""
    try:
        return decimal_comma(Decimal(value))
    except ArithmeticError:
        return value


def _day(text: str) -> str:
    return date.fromisoformat(text).strftime("%d.%m.%Y")


def _piece(piece: dict[str, str]) -> dict[str, str]:
    return {
        "first": _day(piece["first"]),
        "last": _day(piece["last"]),
        "quantity": _shown(piece["quantity"]),
        "price": unit_price(piece["price"]),
        "since": _day(piece["price_from"]),
    }
