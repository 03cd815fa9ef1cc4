"""Subscriber page: order a one-time service (installation of video surveillance …) with a visit slot."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from marshmallow import Schema

from core.api import (
    Text,
    current_account,
    current_principal,
    current_tenant,
    get_or_404,
    parse_day,
    read_form,
    require,
    session,
    visit_local_today,
    visit_settings,
    visit_slot_grid,
)
from plugins.isp.common.blueprints import web
from plugins.isp.contracts.service import contract_of
from plugins.isp.models import OneTimeService
from plugins.isp.onetime import service


class OrderInput(Schema):
    """The order form as the browser sends it: the slot as ``2026-12-01|09-12`` and a comment."""

    slot = Text(40)
    address = Text(400)
    comment = Text(2000)


def parse_slot(text: str) -> tuple[date, str] | None:
    """``"2026-12-01|09-12"`` → ``(date(2026, 12, 1), "09-12")``; ``None`` when empty or malformed."""
    day_text, _sep, window = (text or "").partition("|")
    day = parse_day(day_text)
    return (day, window) if day is not None and window else None


def _page(contract, errors: dict[int, dict[str, str]] | None = None, values: dict | None = None, status: int = 200):
    tenant = current_tenant()
    slots = [s for s in visit_slot_grid(visit_settings(), visit_local_today(tenant)) if s.available]
    return (
        render_template(
            "isp/onetime/order.html",
            contract=contract,
            items=service.catalogue(),
            slots=slots,
            orders=service.orders_of(contract),
            refusal=service.refusal(contract),
            errors=errors or {},
            values=values or {},
        ),
        status,
    )


@web.get("/onetime")
@require("isp.use")
def onetime():
    """The one-time services the subscriber may order, with free visit times, and their orders."""
    contract = contract_of(current_account())
    if contract is None:
        return render_template("isp/contracts/services_none.html")
    return _page(contract)


@web.post("/onetime/<int:service_id>")
@require("isp.use")
def onetime_order(service_id: int):
    """Order one service: the price is charged at once and a technician visit is requested."""
    contract = contract_of(current_account())
    if contract is None:
        return render_template("isp/contracts/services_none.html"), 404
    item = get_or_404(OneTimeService, service_id)
    form = read_form(OrderInput())
    values = {
        item.id: {
            "slot": form.values.get("slot", ""),
            "address": form.values.get("address", ""),
            "comment": form.values.get("comment", ""),
        }
    }
    slot = parse_slot(form.data.get("slot", ""))
    if form.errors or (form.data.get("slot") and slot is None):
        return _page(contract, {item.id: {"slot": _("Choose a day and time from the list.")}}, values, 400)
    try:
        order = service.place_order(
            current_tenant(),
            contract,
            item,
            current_principal(),
            slot=slot,
            address=form.data.get("address", ""),
            comment=form.data.get("comment", ""),
        )
    except service.OrderError as error:
        session.rollback()
        return _page(contract, {item.id: error.errors}, values, 400)
    session.commit()
    if order.visit_id:
        flash(
            _("«%(title)s» is ordered and paid. The operator will confirm the technician's visit.", title=item.title),
            "success",
        )
    else:
        flash(_("«%(title)s» is ordered and paid.", title=item.title), "success")
    return redirect(url_for("isp.onetime"))
