"""The subscriber's services in the API: ``GET /api/v1/isp/accounts/<account_id>/services``.

The account is in the path, as in core's accounts API (see :mod:`plugins.isp.contracts.api_scope`).
"""

from __future__ import annotations

from marshmallow import Schema, fields

from core.api import BEARER, current_tenant, require
from plugins.isp.common.blueprints import api
from plugins.isp.common.calendar import tenant_today
from plugins.isp.contracts.api_scope import ACCOUNT_PATH, NOT_FOUND, account_parameter, with_contract
from plugins.isp.contracts.views import overview
from plugins.isp.models import Contract


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


@api.get(ACCOUNT_PATH + "/services", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.response(200, IspServicesSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def get_services(contract: Contract):
    """The contract's services, balance and block state.

    Each service has a status code and its words, its monthly fee (null when included in a tariff)
    and its dates; ``blocked`` and ``frozen`` say whether services stop for debt or a voluntary block.
    """
    view = overview(contract, tenant_today(current_tenant()))
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
