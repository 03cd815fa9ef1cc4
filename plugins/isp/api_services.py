"""The subscriber's services in the API: ``GET /api/v1/isp/services``.

The account is chosen as core's accounts API does: ``?account_id=`` names one of the caller's
accounts (another's answers 404); without it, the caller's current (first) account.
"""

from __future__ import annotations

from flask import abort, g
from marshmallow import Schema, fields

from core.api import account_or_404, current_account, require
from plugins.isp.api import blueprint
from plugins.isp.calendar import tenant_today
from plugins.isp.contracts import contract_of
from plugins.isp.models import Contract
from plugins.isp.pages_services import overview

BEARER = [{"bearer": []}]


class AccountQuery(Schema):
    account_id = fields.Integer(load_default=None, metadata={"description": "default: the caller's first account"})


class IspServiceSchema(Schema):
    code = fields.String()
    title = fields.String()
    kind = fields.String(metadata={"description": "internet, tv, addon or tv_package"})
    status = fields.String(metadata={"description": "active, blocked, frozen, scheduled or changing"})
    status_text = fields.String(metadata={"description": "the status in words, in the caller's language"})
    monthly_fee = fields.Integer(allow_none=True, metadata={"description": "kopecks; null when included in a tariff"})
    included_in = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)


class IspServicesSchema(Schema):
    contract = fields.String(metadata={"description": "the contract number (the subscriber's login)"})
    account_id = fields.Integer()
    category = fields.String(metadata={"description": "cable or wifi"})
    holder_kind = fields.String(metadata={"description": "individual or legal"})
    blocked = fields.Boolean(metadata={"description": "services are blocked for debt"})
    frozen = fields.Boolean(metadata={"description": "a voluntary block covers today"})
    balance = fields.Integer(metadata={"description": "kopecks; negative = debt"})
    monthly_fee = fields.Integer(metadata={"description": "kopecks per month of the running services"})
    days_left = fields.Integer(allow_none=True, metadata={"description": "days the balance lasts"})
    services = fields.List(fields.Nested(IspServiceSchema))


def contract_for_api(account_id: int | None) -> Contract:
    """The caller's contract for an API request (``account_id`` or the current account); 404 without one."""
    account = account_or_404(account_id) if account_id is not None else current_account()
    contract = contract_of(account)
    if contract is None:
        abort(404, description="no ISP contract on this account")
    return contract


@blueprint.get("/services")
@require("isp.use")
@blueprint.arguments(AccountQuery, location="query")
@blueprint.response(200, IspServicesSchema)
@blueprint.doc(security=BEARER)
def get_services(query):
    """The contract's services with their status codes and prices, its balance and block state."""
    contract = contract_for_api(query["account_id"])
    view = overview(contract, tenant_today(g.tenant))
    return {
        "contract": contract.number,
        "account_id": contract.personal_account_id,
        "category": contract.category,
        "holder_kind": contract.account.holder_kind,
        "blocked": view.blocked,
        "frozen": view.freeze is not None,
        "balance": view.balance,
        "monthly_fee": view.monthly_fee,
        "days_left": view.days_left,
        "services": [
            {
                "code": line.code,
                "title": line.title,
                "kind": line.kind,
                "status": line.status,
                "status_text": line.words,
                "monthly_fee": line.monthly_fee,
                "included_in": line.included_in,
                "starts_on": line.starts_on,
                "ends_on": line.ends_on,
            }
            for line in view.lines
        ],
    }
