"""Operator page: change a contract's tariff and services directly (applying a written application).

It skips the subscriber's limits (legal entity, debt, change rule, fee) and every action is audited.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema
from sqlalchemy import select
from werkzeug.routing import BuildError

from core.api import (
    Id,
    Refused,
    Text,
    current_principal,
    current_tenant,
    get_or_404,
    parse_day,
    plugin_settings,
    read_form,
    require,
    session,
    utcnow,
)
from plugins.isp.common.blueprints import web
from plugins.isp.common.calendar import first_of_next_month, tenant_today
from plugins.isp.contracts.service import subscriptions_on, upcoming
from plugins.isp.models import TARIFF_KINDS, Contract, Product, Subscription
from plugins.isp.tariffs import addons, changes

ACTIONS = ("tariff", "connect", "disconnect", "cancel_change")


def _day(text: str | None, default: date) -> date | None:
    return parse_day(text) if text else default


def _page(contract: Contract, error: str | None = None, status: int = 200):
    tenant = current_tenant()
    today = tenant_today(tenant)
    timing = plugin_settings(tenant, "isp").tariff_change_timing
    products = list(session.scalars(select(Product).order_by(Product.kind, Product.position)))
    return (
        render_template(
            "isp/tariffs/tariff_admin.html",
            contract=contract,
            today=today,
            services=[*subscriptions_on(contract, today), *upcoming(contract, today)],
            change=changes.ordered_change(contract, today),
            tariffs=[p for p in products if p.kind in TARIFF_KINDS],
            extras=[p for p in products if p.kind in addons.ADDON_KINDS],
            default_day=today if timing == changes.IMMEDIATELY else first_of_next_month(today),
            tomorrow=today + timedelta(days=1),
            contract_link=_link("isp.admin_contract", contract_id=contract.id),
            queue_link=_link("support_admin.queue"),
            error=error,
        ),
        status,
    )


@web.route("/admin/contracts/<int:contract_id>/tariff", methods=["GET", "POST"])
@require("isp.contracts.manage")
def admin_change_tariff(contract_id: int):
    """Change the contract's tariff, connect or disconnect a service, or cancel an ordered change."""
    contract = get_or_404(Contract, contract_id)
    if request.method == "GET":
        return _page(contract)
    tenant = current_tenant()
    now = utcnow()
    today = tenant_today(tenant, now)
    action = read_form(TariffActionInput()).values.get("action", "")
    if action not in ACTIONS:
        return _page(contract, _("Choose what to do."), 422)
    try:
        message = _apply(tenant, contract, action, now, today)
    except (changes.OperatorChangeError, Refused) as error:
        session.rollback()
        text = "; ".join(error.messages) if isinstance(error, Refused) else str(error)
        return _page(get_or_404(Contract, contract_id), text, 409)
    except _BadInput as error:
        return _page(contract, str(error), 422)
    session.commit()
    flash(message, "info")
    return redirect(url_for("isp.admin_change_tariff", contract_id=contract_id))


def _link(endpoint: str, **values) -> str | None:
    try:
        return url_for(endpoint, **values)
    except BuildError:  # the other page is not there (yet)
        return None


class _BadInput(ValueError):
    pass


def _product(code: str, kinds: tuple[str, ...]) -> Product:
    product = session.scalar(select(Product).where(Product.code == code))
    if product is None or product.kind not in kinds:
        raise _BadInput(_("Choose a product from the list."))
    return product


class TariffActionInput(Schema):
    """The operator's tariff and service forms as the browser sends them."""

    action = Text(40)
    subscription_id = Id(load_default=None)
    product = Text(40)
    starts_on = Text(20)
    effective_on = Text(20)


def _apply(tenant, contract: Contract, action: str, now, today: date) -> str:
    submitted = read_form(TariffActionInput())
    form = submitted.values
    if action == "cancel_change":
        changes.cancel_change(tenant, contract, current_principal(), now)
        return _("The ordered change is cancelled.")
    if action == "disconnect":
        if not submitted.ok or submitted.data["subscription_id"] is None:
            raise _BadInput(_("Choose a service."))
        subscription = get_or_404(Subscription, submitted.data["subscription_id"])
        if subscription.contract_id != contract.id or subscription.bundled_with_id is not None:
            raise _BadInput(_("Choose a separately connected service of this contract."))
        addons.operator_disconnect(tenant, contract, subscription, now)
        return _("«%(title)s» is disconnected.", title=subscription.product.title)
    if action == "connect":
        product = _product(form.get("product", ""), addons.ADDON_KINDS)
        starts_on = _day(form.get("starts_on"), addons.start_day(product, today))
        if starts_on is None or starts_on < today:
            raise _BadInput(_("Enter a start day from today on."))
        addons.operator_connect(tenant, contract, product, starts_on, now)
        return _("«%(title)s» is connected from %(day)s.", title=product.title, day=starts_on.isoformat())
    product = _product(form.get("product", ""), TARIFF_KINDS)
    effective_on = _day(form.get("effective_on"), today)
    if effective_on is None:
        raise _BadInput(_("Enter the day the change starts."))
    changes.operator_change(tenant, contract, product, effective_on, current_principal(), now)
    return _("The tariff «%(title)s» is set from %(day)s.", title=product.title, day=effective_on.isoformat())
