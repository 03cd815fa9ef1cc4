"""The promised payment in the API: ``GET /api/v1/isp/promise`` (quote) and ``POST`` (take it).

The contract is the one of ``?account_id=`` (one of the caller's personal accounts, like
``/api/v1/accounts/<id>``; another's answers 404), or of the caller's first account when it is left
out. A refusal answers 409 ``{"code": "refused", "message", "reasons": [{"code", "message"}]}``.
"""

from __future__ import annotations

from flask import abort, g, jsonify
from marshmallow import Schema, fields

from core.api import account_or_404, current_account, current_principal, require, session, utcnow
from plugins.isp import promise as promises
from plugins.isp.api import blueprint
from plugins.isp.contracts import contract_of
from plugins.isp.models import Contract, Promise
from plugins.isp.promise_rules import CODES
from plugins.isp.refusals import Refusal, Refused

BEARER = [{"bearer": []}]


class PromiseAccountQuery(Schema):
    account_id = fields.Integer(
        load_default=None, metadata={"description": "one of your personal accounts; default: the first"}
    )


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


class PromiseRefusedSchema(Schema):
    code = fields.String()
    message = fields.String()
    reasons = fields.List(fields.Nested(PromiseReasonSchema))


def _contract(query: dict) -> Contract:
    account = account_or_404(query["account_id"]) if query.get("account_id") else current_account()
    contract = contract_of(account)
    if contract is None:
        abort(404, description="no ISP contract on this account")
    return contract


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


def _refused(reasons: list[Refusal]):
    response = jsonify(
        {"code": "refused", "message": "; ".join(r.message for r in reasons), "reasons": [r.as_json() for r in reasons]}
    )
    response.status_code = 409
    return response


@blueprint.get("/promise")
@require("isp.use")
@blueprint.arguments(PromiseAccountQuery, location="query")
@blueprint.response(200, PromiseQuoteSchema)
@blueprint.doc(security=BEARER)
def get_promise(query):
    """What a promised payment would give now (amount, fee, until when, balance after) or why it is refused."""
    contract = _contract(query)
    quote = promises.quote(g.tenant, contract, utcnow())
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


@blueprint.post("/promise")
@require("isp.use")
@blueprint.arguments(PromiseAccountQuery, location="query")
@blueprint.response(201, PromiseSchema)
@blueprint.alt_response(409, schema=PromiseRefusedSchema, description="refused: the reasons say why")
@blueprint.doc(security=BEARER)
def take_promise(query):
    """Take the promised payment: the rules are checked again; services unblock at once."""
    contract = _contract(query)
    try:
        granted = promises.grant(g.tenant, contract, current_principal(), utcnow())
    except Refused as refused:
        session.rollback()
        return _refused(refused.reasons)
    session.commit()
    return _dump(granted)
