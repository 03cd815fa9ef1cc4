"""The subscriber's orders in the API: ``GET /api/v1/isp/accounts/<account_id>/orders``."""

from __future__ import annotations

from marshmallow import Schema, fields

from core.api import BEARER, current_tenant, require
from plugins.isp.common.blueprints import api
from plugins.isp.common.calendar import tenant_today
from plugins.isp.contracts.api_scope import ACCOUNT_PATH, NOT_FOUND, account_parameter, with_contract
from plugins.isp.models import Contract
from plugins.isp.orders.service import orders_of


class IspOrderSchema(Schema):
    kind = fields.String(metadata={"description": "tariff_change, addon, promise or freeze"})
    kind_title = fields.String(metadata={"description": "the kind in words, in the caller's language"})
    ordered_at = fields.DateTime()
    what = fields.String(metadata={"description": "what was ordered, in words"})
    status = fields.String(
        metadata={"description": "pending, applied, cancelled, active, repaid, expired, scheduled, finished or ended"}
    )
    status_title = fields.String(metadata={"description": "the status in words"})


@api.get(ACCOUNT_PATH + "/orders", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.response(200, IspOrderSchema(many=True))
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def get_orders(contract: Contract):
    """The subscriber's self-service orders, newest first: tariff changes, add-ons, promised payments, blocks."""
    return orders_of(contract, tenant_today(current_tenant()))
