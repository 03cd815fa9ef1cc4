"""The resident's flats in the API: ``GET /api/v1/housing/flats``.

One entry per personal account of the caller that is bound to a flat (a resident with two flats has two; the
``account_id`` of an entry is the one to put in the other housing paths).
"""

from __future__ import annotations

from marshmallow import Schema, fields

from core.api import BEARER, my_accounts, require
from plugins.housing.common.blueprints import api
from plugins.housing.stock.flats import flats_of


class FlatSchema(Schema):
    account_id = fields.Integer(metadata={"description": "the personal account (use it in /accounts/{account_id}/…)"})
    account_number = fields.String(metadata={"description": "the number printed on the payment document"})
    flat_id = fields.Integer()
    number = fields.String(metadata={"description": "the flat's number as printed on the payment document"})
    address = fields.String(metadata={"description": "the building's address"})
    area = fields.Decimal(as_string=True, metadata={"description": 'm², e.g. "54.30"'})
    residents = fields.Integer(metadata={"description": "registered persons (for norms)"})


class FlatsSchema(Schema):
    flats = fields.List(fields.Nested(FlatSchema))


@api.get("/flats")
@require("housing.readings.submit")
@api.response(200, FlatsSchema)
@api.doc(security=BEARER)
def list_flats():
    """The caller's flats, one per personal account bound to a flat."""
    accounts = my_accounts()
    flats = flats_of(account.id for account in accounts)
    return {
        "flats": [
            {
                "account_id": account.id,
                "account_number": account.number,
                "flat_id": flats[account.id].id,
                "number": flats[account.id].number,
                "address": flats[account.id].building.address,
                "area": flats[account.id].area,
                "residents": flats[account.id].residents,
            }
            for account in accounts
            if account.id in flats
        ]
    }
