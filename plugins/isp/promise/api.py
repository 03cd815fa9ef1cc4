"""The promised payment in the API: ``/api/v1/isp/accounts/<account_id>/promise``.

``GET`` quotes it, ``POST`` takes it. The account is in the path, as in core's accounts API (see
:mod:`plugins.isp.contracts.api_scope`). A refusal answers 409
``{"code": "refused", "message", "reasons": [{"code", "message"}]}``.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from core.api import (
    BEARER,
    RefusedSchema,
    current_principal,
    current_tenant,
    require,
    session,
    utcnow,
)
from plugins.isp.common.blueprints import api
from plugins.isp.contracts.api_scope import ACCOUNT_PATH, NOT_FOUND, account_parameter, with_contract
from plugins.isp.models import Contract, Promise
from plugins.isp.promise import service as promises
from plugins.isp.promise.rules import CODES


class PromiseSchema(Schema):
    id = fields.Integer()
    amount = fields.Integer(metadata={"description": "kopecks credited"})
    fee = fields.Integer(metadata={"description": "kopecks charged for the promise"})
    granted_at = fields.DateTime()
    due_at = fields.DateTime(metadata={"description": "when the credit is taken back"})
    status = fields.String(metadata={"description": "active, repaid (closed early by a payment) or expired"})
    repaid = fields.Boolean(allow_none=True, metadata={"description": "the balance covered it when it closed"})


class PromiseReasonSchema(Schema):
    code = fields.String(metadata={"description": "one of: " + ", ".join(CODES)})
    message = fields.String(metadata={"description": "in the caller's language"})


class PromiseQuoteSchema(Schema):
    ok = fields.Boolean(metadata={"description": "POST would grant it now"})
    amount = fields.Integer(metadata={"description": "kopecks"})
    fee = fields.Integer(metadata={"description": "kopecks"})
    until = fields.DateTime(metadata={"description": "when it would end (provider's time zone)"})
    balance = fields.Integer(metadata={"description": "kopecks now"})
    balance_after = fields.Integer(metadata={"description": "kopecks right after the grant"})
    reasons = fields.List(fields.Nested(PromiseReasonSchema))
    active = fields.Nested(PromiseSchema, allow_none=True, metadata={"description": "the active promise, if any"})


class PromiseRefusedSchema(RefusedSchema):
    reasons = fields.List(fields.Nested(PromiseReasonSchema), metadata={"description": "why it was refused"})


def _dump(promise: Promise) -> dict:
    return {
        "id": promise.id,
        "amount": promise.amount,
        "fee": promise.fee,
        "granted_at": promise.granted_at,
        "due_at": promise.due_at,
        "status": promise.status,
        "repaid": promise.repaid,
    }


@api.get(ACCOUNT_PATH + "/promise", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.response(200, PromiseQuoteSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def get_promise(contract: Contract):
    """Quote the promised payment: what it would give now, or why it is refused.

    ``ok`` says whether ``POST`` would grant it; then ``amount``, ``fee``, ``until`` and
    ``balance_after`` say what it gives. Otherwise ``reasons`` say why not. ``active`` is the running
    promise, if any.
    """
    quote = promises.quote(current_tenant(), contract, utcnow())
    active = promises.active_promise(contract)
    return {
        "ok": quote.ok,
        "amount": quote.amount,
        "fee": quote.fee,
        "until": quote.until,
        "balance": quote.balance,
        "balance_after": quote.balance_after,
        "reasons": [r.as_json() for r in quote.reasons],
        "active": _dump(active) if active is not None else None,
    }


@api.post(ACCOUNT_PATH + "/promise", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.response(201, PromiseSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=PromiseRefusedSchema, description="refused: the reasons say why")
@api.doc(security=BEARER)
def take_promise(contract: Contract):
    """Take the promised payment.

    The rules are checked again (409 with the reasons if they now refuse it); the credit is posted
    at once and services blocked for debt unblock.
    """
    granted = promises.grant(current_tenant(), contract, current_principal(), utcnow())
    session.commit()
    return _dump(granted)
