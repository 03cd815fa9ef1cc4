"""Tariffs, add-ons and applications in the API: ``/api/v1/isp/accounts/<account_id>/…``.

The account is in the path, as in core's accounts API (see :mod:`plugins.isp.contracts.api_scope`: another
user's or tenant's account answers 404 before the body is read). A refused action answers 409
``{"code": "refused", "message": …, "reasons": [{"code", "message"}]}``; a legal entity gets the
reason ``legal_entity`` (apply in writing: ``POST …/application``).
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core.api import (
    BEARER,
    Refusal,
    RefusalSchema,
    RefusedSchema,
    current_principal,
    current_tenant,
    plugin_settings,
    refused_response,
    require,
    session,
    utcnow,
)
from plugins.isp.common.blueprints import api
from plugins.isp.common.calendar import tenant_today
from plugins.isp.contracts.api_scope import ACCOUNT_PATH, NOT_FOUND, account_parameter, with_contract
from plugins.isp.contracts.service import subscriptions_on, upcoming
from plugins.isp.tariffs import addons, applications, changes

# ---------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------


class ProductSchema(Schema):
    code = fields.String()
    kind = fields.String(metadata={"description": "internet, tv, addon or tv_package"})
    title = fields.String()
    description = fields.String()
    monthly_fee = fields.Integer(metadata={"description": "kopecks per month"})
    speed_mbps = fields.Integer(allow_none=True)
    channels = fields.Integer(allow_none=True)
    includes = fields.List(fields.String(), metadata={"description": "codes of packages included in the price"})
    start_rule = fields.String(metadata={"description": "add-ons: next_day or next_month"})


class ChangeSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "pending, applied or cancelled"})
    to_tariff = fields.Nested(ProductSchema, attribute="to_product")
    effective_on = fields.Date()
    fee = fields.Integer(metadata={"description": "kopecks taken at confirm (returned on cancel)"})


class TariffOptionSchema(Schema):
    tariff = fields.Nested(ProductSchema)
    allowed = fields.Boolean(metadata={"description": "whether a change to it would be accepted now"})
    reasons = fields.List(fields.Nested(RefusalSchema))


class CurrentTariffSchema(Schema):
    tariff = fields.Nested(ProductSchema)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    options = fields.List(fields.Nested(TariffOptionSchema), metadata={"description": "tariffs it may change to"})


class TariffsSchema(Schema):
    timing = fields.String(metadata={"description": "next_period or immediately"})
    rule = fields.String(metadata={"description": "same_category or matrix"})
    fee_up = fields.Integer()
    fee_down = fields.Integer()
    fee_same = fields.Integer()
    legal_entity = fields.Boolean(metadata={"description": "true: read only, apply in writing"})
    current = fields.List(fields.Nested(CurrentTariffSchema))
    catalogue = fields.List(fields.Nested(ProductSchema), metadata={"description": "tariffs offered to this contract"})
    pending_change = fields.Nested(ChangeSchema, allow_none=True)


class TariffRequestSchema(Schema):
    tariff = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={"description": "code"})


class TariffQuoteSchema(Schema):
    allowed = fields.Boolean()
    reasons = fields.List(fields.Nested(RefusalSchema))
    tariff = fields.Nested(ProductSchema)
    current_tariff = fields.Nested(ProductSchema, allow_none=True)
    timing = fields.String()
    effective_on = fields.Date(metadata={"description": "the first day of the new tariff"})
    new_price_from = fields.Date(metadata={"description": "the first day charged at the new price"})
    direction = fields.String(metadata={"description": "up, down or same (by monthly fee)"})
    fee = fields.Integer(metadata={"description": "the change fee, kopecks"})
    charged_now = fields.Integer(metadata={"description": "kopecks taken at confirm"})
    today_at_old_price = fields.Boolean()
    rest_of_month_new = fields.Integer(metadata={"description": "immediate change: rest of month at the new price"})
    rest_of_month_old = fields.Integer(metadata={"description": "the same days at the old price"})


class AddonStateSchema(Schema):
    product = fields.Nested(ProductSchema)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    included_in = fields.String(allow_none=True, metadata={"description": "the tariff's code if bundled"})


class AddonsSchema(Schema):
    connected = fields.List(fields.Nested(AddonStateSchema))
    offered = fields.List(fields.Nested(ProductSchema))


class AddonRequestSchema(Schema):
    product = fields.String(required=True, validate=validate.Length(min=1, max=40), metadata={"description": "code"})


class AddonQuoteRequestSchema(AddonRequestSchema):
    action = fields.String(load_default=addons.CONNECT, validate=validate.OneOf(addons.ACTIONS))


class AddonQuoteSchema(Schema):
    allowed = fields.Boolean()
    reasons = fields.List(fields.Nested(RefusalSchema))
    product = fields.Nested(ProductSchema)
    action = fields.String()
    starts_on = fields.Date(allow_none=True, metadata={"description": "connect: the first day"})
    last_day = fields.Date(allow_none=True, metadata={"description": "disconnect: the last day (null: order removed)"})
    monthly_fee = fields.Integer()
    first_month_cost = fields.Integer(metadata={"description": "connect: from the start to that month's end"})
    charged_now = fields.Integer()


class ApplicationRequestSchema(Schema):
    products = fields.List(fields.String(), load_default=list, metadata={"description": "wanted product codes"})
    comment = fields.String(load_default="", validate=validate.Length(max=applications.MAX_COMMENT))


class ApplicationSchema(Schema):
    ticket_id = fields.Integer(metadata={"description": "the application number (a support conversation)"})
    message = fields.String()


# ---------------------------------------------------------------------------------------------
# Tariffs
# ---------------------------------------------------------------------------------------------


def _quote_json(quote: changes.TariffQuote) -> dict:
    return {
        "allowed": quote.ok,
        "reasons": [r.as_json() for r in quote.reasons],
        "tariff": quote.target,
        "current_tariff": quote.current.product if quote.current else None,
        "timing": quote.timing,
        "effective_on": quote.effective_on,
        "new_price_from": quote.new_price_from,
        "direction": quote.direction,
        "fee": quote.fee,
        "charged_now": quote.charged_now,
        "today_at_old_price": quote.today_at_old_price,
        "rest_of_month_new": quote.rest_of_month_new,
        "rest_of_month_old": quote.rest_of_month_old,
    }


def _target(code: str):
    target = changes.tariff_by_code(code)
    if target is None:
        abort(422, _("Choose a tariff from the list."))
    return target


@api.get(ACCOUNT_PATH + "/tariffs", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.response(200, TariffsSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def get_tariffs(contract):
    """The tariffs, what each may change to (or why not now), the rules and a pending change."""
    tenant = current_tenant()
    today = tenant_today(tenant)
    settings = plugin_settings(tenant, "isp")
    current = []
    for sub in changes.current_tariffs(contract, today):
        quotes = [
            changes.quote_change(tenant, contract, product, today)
            for product in changes.candidate_tariffs(tenant, contract, sub)
        ]
        current.append(
            {
                "tariff": sub.product,
                "starts_on": sub.starts_on,
                "ends_on": sub.ends_on,
                "options": [
                    {"tariff": q.target, "allowed": q.ok, "reasons": [r.as_json() for r in q.reasons]} for q in quotes
                ],
            }
        )
    return {
        "timing": settings["tariff_change_timing"],
        "rule": settings["tariff_change_rule"],
        "fee_up": settings["tariff_change_fee_up"],
        "fee_down": settings["tariff_change_fee_down"],
        "fee_same": settings["tariff_change_fee_same"],
        "legal_entity": contract.is_legal,
        "current": current,
        "catalogue": changes.catalogue_tariffs(contract),
        "pending_change": changes.ordered_change(contract, today),
    }


@api.post(ACCOUNT_PATH + "/tariffs/quote", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.arguments(TariffRequestSchema)
@api.response(200, TariffQuoteSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def quote_tariff(body, contract):
    """What a change to ``tariff`` would do: new price, start day, money taken now — or the reasons it is refused."""
    tenant = current_tenant()
    return _quote_json(changes.quote_change(tenant, contract, _target(body["tariff"]), tenant_today(tenant)))


@api.post(ACCOUNT_PATH + "/tariffs/change", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.arguments(TariffRequestSchema)
@api.response(201, ChangeSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused, with the reasons")
@api.doc(security=BEARER)
def change_tariff(body, contract):
    """Order the change to ``tariff`` as quoted (takes the change fee). At most one pending change."""
    target = _target(body["tariff"])
    change = changes.confirm_change(current_tenant(), contract, target, current_principal(), utcnow())
    session.commit()
    return change


@api.delete(ACCOUNT_PATH + "/tariffs/change", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.response(200, ChangeSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="nothing to cancel, or a legal entity")
@api.doc(security=BEARER)
def cancel_tariff_change(contract):
    """Cancel the pending change before it starts (its fee is returned)."""
    if contract.is_legal:
        return refused_response([changes.legal_refusal()])
    change = changes.cancel_change(current_tenant(), contract, current_principal(), utcnow())
    session.commit()
    return change


# ---------------------------------------------------------------------------------------------
# Add-ons and TV packages
# ---------------------------------------------------------------------------------------------


def _addon(code: str):
    product = addons.addon_by_code(code)
    if product is None:
        abort(422, _("Choose a service from the list."))
    return product


def _addon_quote_json(quote: addons.AddonQuote) -> dict:
    return {
        "allowed": quote.ok,
        "reasons": [r.as_json() for r in quote.reasons],
        "product": quote.product,
        "action": quote.action,
        "starts_on": quote.starts_on,
        "last_day": quote.last_day,
        "monthly_fee": quote.product.monthly_fee,
        "first_month_cost": quote.first_month_cost,
        "charged_now": quote.charged_now,
    }


@api.get(ACCOUNT_PATH + "/addons", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.response(200, AddonsSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def get_addons(contract):
    """Connected add-ons and TV packages (bundled ones name their tariff) and the ones offered."""
    today = tenant_today(current_tenant())
    mine = [
        s
        for s in [*subscriptions_on(contract, today), *upcoming(contract, today)]
        if s.product.kind in addons.ADDON_KINDS
    ]
    connected = []
    for sub in mine:
        tariff = addons.bundling_tariff(contract, sub)
        connected.append(
            {
                "product": sub.product,
                "starts_on": sub.starts_on,
                "ends_on": sub.ends_on,
                "included_in": tariff.code if tariff else None,
            }
        )
    ids = {s.product_id for s in mine}
    return {"connected": connected, "offered": [p for p in addons.catalogue_addons(contract) if p.id not in ids]}


@api.post(ACCOUNT_PATH + "/addons/quote", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.arguments(AddonQuoteRequestSchema)
@api.response(200, AddonQuoteSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.doc(security=BEARER)
def quote_addon(body, contract):
    """What connecting or disconnecting ``product`` would do, or the reasons it is refused."""
    today = tenant_today(current_tenant())
    return _addon_quote_json(addons.quote_addon(contract, _addon(body["product"]), body["action"], today))


@api.post(ACCOUNT_PATH + "/addons/connect", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.arguments(AddonRequestSchema)
@api.response(201, AddonQuoteSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused, with the reasons")
@api.doc(security=BEARER)
def connect_addon(body, contract):
    """Connect ``product`` from its start day (nothing is taken now; the daily charge does it)."""
    tenant = current_tenant()
    product = _addon(body["product"])
    now = utcnow()
    today = tenant_today(tenant, now)
    quote = addons.quote_addon(contract, product, addons.CONNECT, today)
    addons.connect(tenant, contract, product, current_principal(), now)
    session.commit()
    return _addon_quote_json(quote)


@api.post(ACCOUNT_PATH + "/addons/disconnect", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.arguments(AddonRequestSchema)
@api.response(200, AddonQuoteSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="refused, with the reasons (e.g. bundled)")
@api.doc(security=BEARER)
def disconnect_addon(body, contract):
    """Disconnect ``product`` from tomorrow, or remove an order that has not started."""
    product = _addon(body["product"])
    quote = addons.disconnect(current_tenant(), contract, product, current_principal(), utcnow())
    session.commit()
    return _addon_quote_json(quote)


# ---------------------------------------------------------------------------------------------
# A legal entity's written application
# ---------------------------------------------------------------------------------------------


@api.post(ACCOUNT_PATH + "/application", parameters=account_parameter())
@require("isp.use")
@with_contract
@api.arguments(ApplicationRequestSchema)
@api.response(201, ApplicationSchema)
@api.alt_response(404, description=NOT_FOUND)
@api.alt_response(409, schema=RefusedSchema, description="not a legal entity: change it yourself")
@api.doc(security=BEARER)
def send_application(body, contract):
    """A legal entity's application to change tariffs or services; it reaches the operators' support queue."""
    if not contract.is_legal:
        return refused_response(
            [Refusal("not_legal_entity", _l("Change your tariff and services yourself: no application needed."))]
        )
    try:
        ticket = applications.submit_application(contract, current_principal(), body["products"], body["comment"])
    except applications.ApplicationError as error:
        session.rollback()
        abort(422, "; ".join(error.errors.values()))
    session.commit()
    return {
        "ticket_id": ticket.id,
        "message": _(
            "Application No. %(number)s is registered. Confirm it with a signed letter quoting this number.",
            number=ticket.id,
        ),
    }
