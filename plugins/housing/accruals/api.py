"""Accruals with their traces in the API: ``/api/v1/housing/accounts/<account_id>/accruals[/<YYYY-MM>]``.

The list gives the months accrued with their totals; a month gives each service's line with the change from the
month before and its trace (``why this amount``): the method, its inputs and the priced pieces, as the billing
run stored them (:mod:`plugins.housing.accruals.run`).
"""

from __future__ import annotations

import re
from datetime import date

from flask import abort
from marshmallow import Schema, fields
from sqlalchemy import func, select

from core.api import BEARER, require, session
from plugins.housing.accruals.methods import (
    AVERAGE,
    METERED,
    NORM,
    PER_AREA,
    RECALCULATION,
    SHARED_BY_AREA,
    TRUE_UP,
)
from plugins.housing.accruals.views import INPUT_LABELS, METHOD_LABELS
from plugins.housing.common.blueprints import api
from plugins.housing.models import Accrual, HousingService
from plugins.housing.stock.api_scope import ACCOUNT_PATH, NOT_FOUND, account_parameter, flat_or_404

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
METHODS = (METERED, NORM, AVERAGE, TRUE_UP, PER_AREA, SHARED_BY_AREA, RECALCULATION)


class PeriodTotalSchema(Schema):
    period = fields.String(metadata={"description": "YYYY-MM"})
    total = fields.Integer(metadata={"description": "kopecks accrued to the account that month"})


class PeriodsSchema(Schema):
    periods = fields.List(fields.Nested(PeriodTotalSchema), metadata={"description": "newest first"})


class InputSchema(Schema):
    name = fields.String(metadata={"description": "e.g. volume, persons, norm, area"})
    label = fields.String(metadata={"description": "the input in words, in the caller's language"})
    value = fields.String(metadata={"description": "a number with a point, or an ISO date"})


class PieceSchema(Schema):
    first = fields.String(metadata={"description": "ISO date: the first day this price applies"})
    last = fields.String(metadata={"description": "ISO date: the last day"})
    quantity = fields.String(metadata={"description": "units priced (the share of the month's volume)"})
    price = fields.String(metadata={"description": "kopecks per unit"})
    price_from = fields.String(metadata={"description": "ISO date the price took effect (the rule's date)"})


class TraceSchema(Schema):
    method = fields.String(metadata={"description": "one of: " + ", ".join(METHODS)})
    method_text = fields.String(metadata={"description": "the method in words, in the caller's language"})
    inputs = fields.List(fields.Nested(InputSchema))
    pieces = fields.List(fields.Nested(PieceSchema))
    flat_amount = fields.Integer(metadata={"description": "kopecks for the whole flat"})
    accounts = fields.Integer(metadata={"description": "accounts of the flat sharing it equally"})


class AccrualLineSchema(Schema):
    service = fields.String(
        metadata={"description": "the service's code; a recalculation of an earlier month is '<code>:YYYY-MM'"}
    )
    title = fields.String()
    amount = fields.Integer(metadata={"description": "kopecks accrued to this account"})
    change = fields.Integer(allow_none=True, metadata={"description": "kopecks more than the month before; null"})
    trace = fields.Nested(TraceSchema)


class AccrualsSchema(Schema):
    period = fields.String(metadata={"description": "YYYY-MM"})
    total = fields.Integer(metadata={"description": "kopecks"})
    lines = fields.List(fields.Nested(AccrualLineSchema))


def _key(period: date) -> str:
    return f"{period.year:04d}-{period.month:02d}"


def _previous(period: date) -> date:
    return date(period.year - 1, 12, 1) if period.month == 1 else date(period.year, period.month - 1, 1)


@api.get(ACCOUNT_PATH + "/accruals", parameters=account_parameter())
@require("housing.readings.submit")
@api.response(200, PeriodsSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def list_accrual_periods(account_id: int):
    """The months accrued to the account, newest first, with each month's total."""
    flat_or_404(account_id)
    rows = session.execute(
        select(Accrual.period, func.sum(Accrual.amount))
        .where(Accrual.personal_account_id == account_id)
        .group_by(Accrual.period)
        .order_by(Accrual.period.desc())
    )
    return {"periods": [{"period": _key(period), "total": int(total)} for period, total in rows]}


@api.get(ACCOUNT_PATH + "/accruals/<period>", parameters=account_parameter())
@require("housing.readings.submit")
@api.response(200, AccrualsSchema)
@api.alt_response(404, description=NOT_FOUND + "; or the period is not YYYY-MM")
@api.doc(security=BEARER)
def get_accruals(account_id: int, period: str):
    """One month's accrual lines with the change from the month before and the trace of each amount."""
    flat_or_404(account_id)
    match = _PERIOD.match(period)
    if match is None:
        abort(404, description="the period is written YYYY-MM")
    month = date(int(match.group(1)), int(match.group(2)), 1)
    if not date(1900, 1, 1) <= month <= date(2199, 12, 1):
        abort(404, description="the period is written YYYY-MM")
    rows = session.scalars(
        select(Accrual).where(Accrual.personal_account_id == account_id, Accrual.period.in_([month, _previous(month)]))
    )
    by_key = {(row.period, row.service): row for row in rows}
    titles = {service.code: service.title for service in session.scalars(select(HousingService))}
    lines = []
    for (line_period, code), row in sorted(by_key.items(), key=lambda item: item[0][1]):
        if line_period != month:
            continue
        before = by_key.get((_previous(month), code))
        trace = row.trace or {}
        lines.append(
            {
                "service": code,
                "title": titles.get(code.split(":")[0], code),
                "amount": row.amount,
                "change": None if before is None else row.amount - before.amount,
                "trace": {
                    "method": row.method,
                    "method_text": str(METHOD_LABELS.get(row.method, row.method)),
                    "inputs": [
                        {"name": name, "label": str(INPUT_LABELS.get(name, name)), "value": value}
                        for name, value in trace.get("inputs", {}).items()
                    ],
                    "pieces": trace.get("pieces", []),
                    "flat_amount": trace.get("flat_amount", row.amount),
                    "accounts": trace.get("accounts", 1),
                },
            }
        )
    return {"period": _key(month), "total": sum(line["amount"] for line in lines), "lines": lines}
