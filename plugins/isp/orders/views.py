"""The subscriber's page of orders (``/isp/orders``)."""

from __future__ import annotations

from flask import render_template

from core.api import current_account, current_tenant, require
from plugins.isp.common.blueprints import web
from plugins.isp.common.calendar import tenant_today
from plugins.isp.contracts.service import contract_of
from plugins.isp.orders.service import orders_of


@web.get("/orders")
@require("isp.use")
def orders():
    contract = contract_of(current_account())
    if contract is None:
        return render_template("isp/contracts/services_none.html")
    rows = orders_of(contract, tenant_today(current_tenant()))
    return render_template("isp/orders/list.html", contract=contract, orders=rows)
