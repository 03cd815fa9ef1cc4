"""The subscriber's promised-payment page, ``isp.promise`` (``/isp/promise``): quote, then confirm.

GET shows what a promised payment gives now — amount, fee, until when, the balance after — or the
reasons it is refused, in words. POST grants it and goes to the services overview; a second
submit (another tab, another device) gets the "already active" reason, never an error page.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from core.api import Refused, current_account, current_principal, current_tenant, format_money, require, session, utcnow
from plugins.isp.common.blueprints import web
from plugins.isp.common.calendar import tenant_zone
from plugins.isp.common.links import optional_url
from plugins.isp.contracts.service import contract_of
from plugins.isp.promise import service as promises


@web.route("/promise", methods=["GET", "POST"])
@require("isp.use")
def promise():
    """Quote a promised payment (GET) or take it (POST)."""
    tenant = current_tenant()
    contract = contract_of(current_account())
    if contract is None:
        return render_template("isp/promise/promise_none.html")
    if request.method == "POST":
        return _grant(tenant, contract)
    return _page(tenant, contract)


def _grant(tenant, contract):
    try:
        granted = promises.grant(tenant, contract, current_principal(), utcnow())
    except Refused as refused:
        session.rollback()
        return _page(tenant, contract, refused=refused.reasons), 409
    session.commit()
    until = format_datetime(granted.due_at.astimezone(tenant_zone(tenant)), "short", rebase=False)
    flash(
        _(
            "Promised payment of %(amount)s is credited. Services are active until %(until)s.",
            amount=format_money(granted.amount),
            until=until,
        ),
        "info",
    )
    return redirect(optional_url("isp.services") or url_for("isp.promise"))


def _page(tenant, contract, refused=None):
    quote = promises.quote(tenant, contract, utcnow())
    return render_template(
        "isp/promise/promise.html",
        contract=contract,
        quote=quote,
        reasons=refused or quote.reasons,
        active=promises.active_promise(contract),
        services_url=optional_url("isp.services"),
        pay_url=optional_url("money.pay"),
    )
