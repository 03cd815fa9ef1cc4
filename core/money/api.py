"""The subscriber's accounts in the API: balance, operations, monthly statistics, card top-up."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import abort, g
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from core.access.guard import require
from core.accounts.service import user_may_use
from core.db import session
from core.money.current import account_or_404, my_accounts
from core.money.figures import balance_view, month_range, monthly_totals, months_before, operations
from core.payments.paykeeper import start_card_payment
from core.payments.service import PaymentError
from core.rest.lookup import BEARER, found_first
from core.tenants.current import current_tenant
from core.web.bounds import FIRST_DAY, LAST_DAY, MAX_ID, parse_month

blueprint = Blueprint(
    "api_accounts", __name__, url_prefix="/api/v1/accounts", description="Personal accounts and money"
)


class AccountSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    holder_name = fields.String()
    holder_kind = fields.String()
    address = fields.String()
    balance = fields.Integer(metadata={"description": "kopecks; negative = debt"})
    debt = fields.Integer(metadata={"description": "kopecks"})
    daily_cost = fields.Integer(allow_none=True, metadata={"description": "kopecks per day, if a plugin knows"})
    days_left = fields.Integer(allow_none=True)
    paid_until = fields.Date(allow_none=True)


class OperationSchema(Schema):
    id = fields.Integer()
    occurred_at = fields.DateTime()
    kind = fields.String(metadata={"description": "charge, payment, correction, reversal or promise (promised credit)"})
    amount = fields.Integer(metadata={"description": "kopecks added to the balance (negative = taken)"})
    service = fields.String(allow_none=True, metadata={"description": "the service's code"})
    service_title = fields.Method("_service_title", metadata={"description": "the service's name"})
    period = fields.String(allow_none=True)
    memo = fields.String()

    def _service_title(self, operation) -> str:
        from flask import g

        from core.money.services import service_title

        service = operation["service"] if isinstance(operation, dict) else operation.service
        return service_title(g.get("tenant"), service)


class OperationsQuery(Schema):
    start = fields.Date(data_key="from", load_default=None, validate=validate.Range(min=FIRST_DAY, max=LAST_DAY))
    end = fields.Date(data_key="to", load_default=None, validate=validate.Range(min=FIRST_DAY, max=LAST_DAY))
    kind = fields.String(
        load_default=None, validate=validate.OneOf(["charge", "payment", "correction", "reversal", "promise"])
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID))


def _month_in_range(text: str) -> None:
    if parse_month(text) is None:
        raise ValidationError(f"a month from {FIRST_DAY.year} to {LAST_DAY.year}")


MONTH = [validate.Regexp(r"^[0-9]{4}-(0[1-9]|1[0-2])$", error="a month as YYYY-MM"), _month_in_range]


class StatsQuery(Schema):
    start = fields.String(
        data_key="from", load_default=None, validate=MONTH, metadata={"description": "default: 11 months ago"}
    )
    end = fields.String(
        data_key="to", load_default=None, validate=MONTH, metadata={"description": "default: this month"}
    )


class MonthSchema(Schema):
    month = fields.String()
    paid = fields.Integer()
    charged = fields.Integer()


class TopUpSchema(Schema):
    amount = fields.Integer(required=True, validate=validate.Range(min=1), metadata={"description": "kopecks"})


class TopUpResultSchema(Schema):
    order_id = fields.String()
    payment_url = fields.String(metadata={"description": "open it in a browser to pay"})


# The caller's account, resolved before the body is parsed (another's is 404, not 422).
own_account = found_first("account_id", user_may_use, as_kwarg="account")


def _today() -> date:
    return current_tenant().today()


def _dump(account) -> dict:
    view = balance_view(g.tenant, account, _today())
    return {
        "id": account.id,
        "number": account.number,
        "holder_name": account.holder_name,
        "holder_kind": account.holder_kind,
        "address": account.address,
        "balance": view.balance,
        "debt": view.debt,
        "daily_cost": view.daily_cost,
        "days_left": view.days_left,
        "paid_until": view.paid_until,
    }


@blueprint.get("")
@require("cabinet.use")
@blueprint.response(200, AccountSchema(many=True))
@blueprint.doc(security=BEARER)
def list_accounts():
    """The personal accounts of the logged-in user, with balances."""
    return [_dump(a) for a in my_accounts()]


@blueprint.get("/<int:account_id>")
@require("cabinet.use")
@blueprint.response(200, AccountSchema)
@blueprint.doc(security=BEARER)
def get_account(account_id: int):
    """One account with its balance and, where known, how many days it lasts."""
    return _dump(account_or_404(account_id))


@blueprint.get("/<int:account_id>/operations")
@require("cabinet.use")
@own_account
@blueprint.arguments(OperationsQuery, location="query")
@blueprint.response(200, OperationSchema(many=True))
@blueprint.doc(security=BEARER)
def get_operations(query, account):
    """Charges, payments and corrections, newest first, optionally for a period and of one kind."""
    tz = current_tenant().zone
    start = datetime.combine(query["start"], datetime.min.time(), tz) if query["start"] else None
    end = datetime.combine(query["end"] + timedelta(days=1), datetime.min.time(), tz) if query["end"] else None
    kinds = [query["kind"]] if query["kind"] else None
    return operations(account, start, end, kinds, limit=query["limit"], offset=query["offset"])


@blueprint.get("/<int:account_id>/stats")
@require("cabinet.use")
@own_account
@blueprint.arguments(StatsQuery, location="query")
@blueprint.response(200, MonthSchema(many=True))
@blueprint.doc(security=BEARER)
def get_stats(query, account):
    """Paid and charged per month from ``from`` to ``to`` (``YYYY-MM``), in the provider's time zone."""
    today = _today()
    last = query["end"] or f"{today.year:04d}-{today.month:02d}"
    first = query["start"] or months_before(last, 11)
    months = month_range(first, last)
    if not months:
        abort(422, description="'from' must not be after 'to'")
    return monthly_totals(g.tenant, account, months[0], months[-1])


@blueprint.post("/<int:account_id>/top-up")
@require("cabinet.use")
@own_account
@blueprint.arguments(TopUpSchema)
@blueprint.response(201, TopUpResultSchema)
@blueprint.doc(security=BEARER)
def top_up(payload, account):
    """Start a card payment; open ``payment_url`` to pay. The balance grows when the bank confirms."""
    try:
        payment, url = start_card_payment(account, payload["amount"])
    except PaymentError as error:
        abort(422, description=str(error))
    session.commit()
    return {"order_id": payment.order_id, "payment_url": url}
