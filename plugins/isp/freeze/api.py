"""The voluntary block in the API: rules and current block, quote, start, end or cancel.

``GET/POST/DELETE /api/v1/isp/accounts/<account_id>/freeze`` and ``POST …/freeze/quote``. The
account is in the path, as in core's accounts API (see :mod:`plugins.isp.contracts.api_scope`). A refused
action answers 409 ``{"code": "refused", "message", "reasons": [{"code", "message"}]}``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.api import (
    BEARER,
    RefusalSchema,
    RefusedSchema,
    current_principal,
    current_tenant,
    require,
    session,
)
from plugins.isp.common.blueprints import api
from plugins.isp.common.calendar import tenant_today
from plugins.isp.contracts.api_scope import ACCOUNT_PATH, NOT_FOUND, account_parameter, with_contract
from plugins.isp.contracts.state import open_freeze
from plugins.isp.freeze import service as freezes
from plugins.isp.models import Contract, Freeze


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


class FreezeStateSchema(Schema):
    freeze = fields.Nested(FreezeSchema, allow_none=True, metadata={"description": "planned or running block"})
    can_end = fields.Boolean(metadata={"description": "DELETE would end or cancel it now"})
    end_refusal = fields.Nested(RefusalSchema, allow_none=True)
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
    reasons = fields.List(fields.Nested(RefusalSchema))


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


@api.get(ACCOUNT_PATH + "/freeze", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.response(200, FreezeStateSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def get_freeze(contract: Contract):
    """The voluntary block: the planned or running one, whether it can be ended now, and the rules.

    ``earliest_start``/``latest_start`` bound the start day of a new block; ``rules`` are the
    provider's (minimum and maximum days, fee, cooldown, minimum balance, self-unfreeze).
    """
    today = tenant_today(current_tenant())
    rules = freezes.rules(current_tenant())
    current = open_freeze(contract)
    refusal = None
    if current is not None and freezes.shown_status(current, today) == "active":
        refusal = freezes.self_unfreeze_refusal(current_tenant(), current, today)
    return {
        "freeze": _dump_freeze(current, today) if current else None,
        "can_end": current is not None and refusal is None,
        "end_refusal": refusal.as_json() if refusal else None,
        "earliest_start": freezes.earliest_start(current_tenant(), contract, today),
        "latest_start": today + timedelta(days=rules.max_start_ahead_days),
        "rules": asdict(rules),
    }


@api.post(ACCOUNT_PATH + "/freeze/quote", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.arguments(PeriodSchema)
@api.response(200, QuoteSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def quote_freeze(period: dict, contract: Contract):
    """Quote a voluntary block: what it would do, or why it is refused.

    Give ``starts_on`` and either ``days`` or ``ends_on`` (the last day, inclusive). The answer says
    which services stop, when they resume, the fee and when it is charged; ``ok`` is false with
    ``reasons`` when ``POST …/freeze`` would refuse it.
    """
    quoted = freezes.quote(
        current_tenant(), contract, period["starts_on"], _ends_on(period), tenant_today(current_tenant())
    )
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


@api.post(ACCOUNT_PATH + "/freeze", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.arguments(PeriodSchema)
@api.response(201, FreezeSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused: the reasons say why")
@api.doc(security=BEARER)
def start_freeze(period: dict, contract: Contract):
    """Start or plan the voluntary block (the same body as the quote).

    The rules are checked again: 409 with the reasons if refused (e.g. ``already_frozen``).
    """
    today = tenant_today(current_tenant())
    started = freezes.start(
        current_tenant(), contract, current_principal(), period["starts_on"], _ends_on(period), today
    )
    session.commit()
    return _dump_freeze(started, today)


@api.delete(ACCOUNT_PATH + "/freeze", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.response(200, FreezeSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused: the reasons say why")
@api.doc(security=BEARER)
def end_freeze(contract: Contract):
    """End the running voluntary block today, or cancel the planned one.

    409 with the reasons when there is none (``not_frozen``) or the rules forbid ending it yet.
    """
    today = tenant_today(current_tenant())
    ended = freezes.end(current_tenant(), contract, current_principal(), today)
    session.commit()
    return _dump_freeze(ended, today)
