"""The voluntary block in the API: rules and current block, quote, start, end or cancel.

``GET/POST/DELETE /api/v1/isp/freeze`` and ``POST /api/v1/isp/freeze/quote``. The contract is the
one of ``?account_id=`` (one of the caller's personal accounts, like ``/api/v1/accounts/<id>``;
another's answers 404), or of the caller's first account when it is left out. A refused action
answers 409 ``{"code": "refused", "message", "reasons": [{"code", "message"}]}``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

from flask import abort, g, jsonify
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.api import account_or_404, current_account, current_principal, require, session
from plugins.isp import freeze as freezes
from plugins.isp.api import blueprint
from plugins.isp.calendar import tenant_today
from plugins.isp.contracts import contract_of
from plugins.isp.models import Contract, Freeze
from plugins.isp.refusals import Refusal, Refused
from plugins.isp.state import open_freeze

BEARER = [{"bearer": []}]


class AccountQuery(Schema):
    account_id = fields.Integer(
        load_default=None, metadata={"description": "one of your personal accounts; default: the first"}
    )


class RulesSchema(Schema):
    enabled = fields.Boolean()
    min_days = fields.Integer()
    max_days = fields.Integer()
    fee_kind = fields.String(metadata={"description": "none, once (charged on the first day) or daily"})
    fee = fields.Integer(metadata={"description": "kopecks: once, or per day"})
    cooldown_days = fields.Integer(metadata={"description": "days between the end of a block and the next start"})
    min_balance = fields.Integer(metadata={"description": "kopecks the balance must have to start"})
    self_unfreeze = fields.Boolean(metadata={"description": "whether you may end a running block yourself"})
    unfreeze_min_days = fields.Integer(metadata={"description": "days after the start before you may end it"})
    max_start_ahead_days = fields.Integer()


class FreezeSchema(Schema):
    id = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date(metadata={"description": "planned last day (inclusive)"})
    last_day = fields.Date(metadata={"description": "real last day (earlier when ended early)"})
    status = fields.String(metadata={"description": "scheduled, active, finished or cancelled"})
    fee_kind = fields.String()
    fee = fields.Integer()
    by_staff = fields.Boolean()


class FreezeReasonSchema(Schema):
    code = fields.String()
    message = fields.String()


class FreezeStateSchema(Schema):
    freeze = fields.Nested(FreezeSchema, allow_none=True, metadata={"description": "planned or running block"})
    can_end = fields.Boolean(metadata={"description": "DELETE would end or cancel it now"})
    end_refusal = fields.Nested(FreezeReasonSchema, allow_none=True)
    earliest_start = fields.Date(metadata={"description": "first day a new block may start (cooldown)"})
    latest_start = fields.Date()
    rules = fields.Nested(RulesSchema)


class PeriodSchema(Schema):
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(load_default=None, metadata={"description": "last day (inclusive); or give days"})
    days = fields.Integer(load_default=None, validate=validate.Range(min=1, max=3650))

    @validates_schema
    def _one_of(self, data: dict, **_kw) -> None:
        if (data.get("ends_on") is None) == (data.get("days") is None):
            raise ValidationError("give either ends_on or days", "ends_on")


class ServiceSchema(Schema):
    code = fields.String()
    kind = fields.String()
    title = fields.String()


class QuoteSchema(Schema):
    ok = fields.Boolean()
    starts_on = fields.Date()
    ends_on = fields.Date()
    resumes_on = fields.Date()
    days = fields.Integer()
    fee_kind = fields.String()
    fee = fields.Integer(metadata={"description": "kopecks: once, or per day"})
    fee_total = fields.Integer()
    fee_charged_on = fields.Date(allow_none=True)
    services = fields.List(fields.Nested(ServiceSchema), metadata={"description": "services that stop"})
    services_cost = fields.Integer(metadata={"description": "what the services would cost for these days"})
    reasons = fields.List(fields.Nested(FreezeReasonSchema))


class FreezeRefusedSchema(Schema):
    code = fields.String()
    message = fields.String()
    reasons = fields.List(fields.Nested(FreezeReasonSchema))


def _contract(query: dict) -> Contract:
    account = account_or_404(query["account_id"]) if query.get("account_id") else current_account()
    contract = contract_of(account)
    if contract is None:
        abort(404, description="no ISP contract on this account")
    return contract


def _ends_on(period: dict) -> date:
    return period["ends_on"] or period["starts_on"] + timedelta(days=period["days"] - 1)


def _dump_freeze(freeze: Freeze, today: date) -> dict:
    return {
        "id": freeze.id,
        "starts_on": freeze.starts_on,
        "ends_on": freeze.ends_on,
        "last_day": freeze.last_day,
        "status": freezes.shown_status(freeze, today),
        "fee_kind": freeze.fee_kind,
        "fee": freeze.fee,
        "by_staff": freeze.by_staff,
    }


def _refused(reasons: list[Refusal]):
    response = jsonify(
        {
            "code": "refused",
            "message": "; ".join(r.message for r in reasons),
            "reasons": [r.as_json() for r in reasons],
        }
    )
    response.status_code = 409
    return response


@blueprint.get("/freeze")
@require("isp.use")
@blueprint.arguments(AccountQuery, location="query")
@blueprint.response(200, FreezeStateSchema)
@blueprint.doc(security=BEARER)
def get_freeze(query):
    """The planned or running voluntary block, whether it can be ended now, and the tenant's rules."""
    contract = _contract(query)
    today = tenant_today(g.tenant)
    rules = freezes.rules(g.tenant)
    current = open_freeze(contract)
    refusal = None
    if current is not None and freezes.shown_status(current, today) == "active":
        refusal = freezes.self_unfreeze_refusal(g.tenant, current, today)
    return {
        "freeze": _dump_freeze(current, today) if current else None,
        "can_end": current is not None and refusal is None,
        "end_refusal": refusal.as_json() if refusal else None,
        "earliest_start": freezes.earliest_start(g.tenant, contract, today),
        "latest_start": today + timedelta(days=rules.max_start_ahead_days),
        "rules": asdict(rules),
    }


@blueprint.post("/freeze/quote")
@require("isp.use")
@blueprint.arguments(AccountQuery, location="query")
@blueprint.arguments(PeriodSchema)
@blueprint.response(200, QuoteSchema)
@blueprint.doc(security=BEARER)
def quote_freeze(query, period):
    """What a block from ``starts_on`` for ``days`` (or to ``ends_on``) would do, or why it is refused."""
    contract = _contract(query)
    quoted = freezes.quote(g.tenant, contract, period["starts_on"], _ends_on(period), tenant_today(g.tenant))
    return {
        "ok": quoted.ok,
        "starts_on": quoted.starts_on,
        "ends_on": quoted.ends_on,
        "resumes_on": quoted.resumes_on,
        "days": quoted.days,
        "fee_kind": quoted.fee_kind,
        "fee": quoted.fee,
        "fee_total": quoted.fee_total,
        "fee_charged_on": quoted.fee_charged_on,
        "services": [
            {"code": s.product.code, "kind": s.product.kind, "title": s.product.title} for s in quoted.services
        ],
        "services_cost": quoted.services_cost,
        "reasons": [r.as_json() for r in quoted.reasons],
    }


@blueprint.post("/freeze")
@require("isp.use")
@blueprint.arguments(AccountQuery, location="query")
@blueprint.arguments(PeriodSchema)
@blueprint.response(201, FreezeSchema)
@blueprint.alt_response(409, schema=FreezeRefusedSchema, description="refused: the reasons say why")
@blueprint.doc(security=BEARER)
def start_freeze(query, period):
    """Start (or plan) the voluntary block; the rules are checked again."""
    contract = _contract(query)
    today = tenant_today(g.tenant)
    try:
        started = freezes.start(g.tenant, contract, current_principal(), period["starts_on"], _ends_on(period), today)
    except Refused as refused:
        session.rollback()
        return _refused(refused.reasons)
    session.commit()
    return _dump_freeze(started, today)


@blueprint.delete("/freeze")
@require("isp.use")
@blueprint.arguments(AccountQuery, location="query")
@blueprint.response(200, FreezeSchema)
@blueprint.alt_response(409, schema=FreezeRefusedSchema, description="refused: the reasons say why")
@blueprint.doc(security=BEARER)
def end_freeze(query):
    """End the running block today (if allowed) or cancel the planned one."""
    contract = _contract(query)
    today = tenant_today(g.tenant)
    try:
        ended = freezes.end(g.tenant, contract, current_principal(), today)
    except Refused as refused:
        session.rollback()
        return _refused(refused.reasons)
    session.commit()
    return _dump_freeze(ended, today)
