"""One-time services in the API: ``/api/v1/isp/accounts/<account_id>/onetime``.

``GET`` lists what may be ordered (with free visit times) and the account's orders; ``POST
…/onetime/<service_id>`` orders one. A refusal answers 409 with reasons whose codes are the form
fields at fault (``service``, ``slot``, ``address``, ``comment``).
"""

from __future__ import annotations

from marshmallow import Schema, fields

from core.api import (
    BEARER,
    Refusal,
    RefusedSchema,
    current_principal,
    current_tenant,
    get_or_404,
    refused_response,
    require,
    session,
    visit_local_today,
    visit_settings,
    visit_slot_grid,
)
from plugins.isp.common.blueprints import api
from plugins.isp.contracts.api_scope import ACCOUNT_PATH, NOT_FOUND, account_parameter, with_contract
from plugins.isp.models import Contract, OneTimeOrder, OneTimeService
from plugins.isp.onetime import service
from plugins.isp.onetime.views import parse_slot


class OneTimeServiceSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()
    description = fields.String()
    price = fields.Integer(metadata={"description": "kopecks, charged once when ordered"})
    needs_visit = fields.Boolean(metadata={"description": "a visit time (slot) must be chosen"})


class OrderSchema(Schema):
    id = fields.Integer()
    service = fields.String(metadata={"description": "the service's code"})
    title = fields.String()
    price = fields.Integer(metadata={"description": "kopecks charged"})
    created_at = fields.DateTime()
    visit_id = fields.Integer(allow_none=True, metadata={"description": "the visit request (GET /api/v1/visits)"})


class OneTimeListSchema(Schema):
    services = fields.List(fields.Nested(OneTimeServiceSchema))
    slots = fields.List(fields.String(), metadata={"description": "free visit times, e.g. 2026-12-01|09-12"})
    orders = fields.List(fields.Nested(OrderSchema))
    refusal = fields.String(allow_none=True, metadata={"description": "why this account may not order, if so"})


class OrderInputSchema(Schema):
    slot = fields.String(load_default="", metadata={"description": "one of the listed slots"})
    address = fields.String(load_default="", metadata={"description": "empty: the contract's address"})
    comment = fields.String(load_default="")


def _dump_order(order: OneTimeOrder) -> dict:
    return {
        "id": order.id,
        "service": order.service.code,
        "title": order.service.title,
        "price": order.price,
        "created_at": order.created_at,
        "visit_id": order.visit_id,
    }


@api.get(ACCOUNT_PATH + "/onetime", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.response(200, OneTimeListSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def list_onetime(contract: Contract):
    """The one-time services offered, the free visit times and this account's orders."""
    slots = visit_slot_grid(visit_settings(), visit_local_today(current_tenant()))
    return {
        "services": [
            {
                "id": s.id,
                "code": s.code,
                "title": s.title,
                "description": s.description,
                "price": s.price,
                "needs_visit": s.needs_visit,
            }
            for s in service.catalogue()
        ],
        "slots": [s.value for s in slots if s.available],
        "orders": [_dump_order(o) for o in service.orders_of(contract)],
        "refusal": service.refusal(contract),
    }


@api.post(ACCOUNT_PATH + "/onetime/<int:service_id>", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.arguments(OrderInputSchema)
@api.response(201, OrderSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused: the reasons say why")
@api.doc(security=BEARER)
def order_onetime(data: dict, contract: Contract, service_id: int):
    """Order a one-time service: the price is charged at once and a visit is requested in ``slot``."""
    item = get_or_404(OneTimeService, service_id)
    slot = parse_slot(data["slot"])
    if data["slot"] and slot is None:
        return refused_response([Refusal("slot", "2026-12-01|09-12")])
    try:
        order = service.place_order(
            current_tenant(),
            contract,
            item,
            current_principal(),
            slot=slot,
            address=data["address"],
            comment=data["comment"],
        )
    except service.OrderError as error:
        session.rollback()
        return refused_response([Refusal(name, message) for name, message in error.errors.items()])
    session.commit()
    return _dump_order(order)
