"""Operator pages: terminate a contract by the subscriber's application, cancel it, close it when due."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema

from core.api import (
    Refused,
    Text,
    current_principal,
    current_tenant,
    get_or_404,
    parse_day,
    read_form,
    require,
    session,
)
from plugins.isp.common.blueprints import web
from plugins.isp.common.calendar import tenant_today
from plugins.isp.contracts.state import last_termination, open_termination
from plugins.isp.models import DONE, Contract
from plugins.isp.termination import service

PERMISSION = "isp.contracts.manage"


class TerminationInput(Schema):
    """The termination form as the browser sends it."""

    ends_on = Text(20)
    reason = Text(4000)


def _page(contract: Contract, values: dict, errors: list[str], status: int = 200):
    termination = last_termination(contract)
    today = tenant_today(current_tenant())
    return (
        render_template(
            "isp/termination/admin/termination.html",
            contract=contract,
            termination=termination,
            closed=termination is not None and termination.status == DONE,
            due=termination is not None and termination.ends_on < today,
            values=values,
            errors=errors,
        ),
        status,
    )


@web.route("/admin/contracts/<int:contract_id>/termination", methods=["GET", "POST"])
@require(PERMISSION)
def admin_termination(contract_id: int):
    """Schedule the contract's termination (the last day of service and the application's text)."""
    contract = get_or_404(Contract, contract_id)
    today = tenant_today(current_tenant())
    values = {"ends_on": (today + timedelta(days=1)).isoformat(), "reason": ""}
    if request.method == "GET":
        return _page(contract, values, [])
    form = read_form(TerminationInput())
    values = {"ends_on": form.values.get("ends_on", ""), "reason": form.values.get("reason", "")}
    ends_on = _day(form.data.get("ends_on", "")) if not form.errors else None
    if ends_on is None:
        example = (today + timedelta(days=1)).strftime("%d.%m.%Y")
        return _page(contract, values, [_("Enter the last day of service, for example %(day)s.", day=example)], 400)
    try:
        service.schedule(current_tenant(), contract, ends_on, form.data.get("reason", ""), current_principal())
    except Refused as refused:
        session.rollback()
        return _page(contract, values, [r.message for r in refused.reasons], 400)
    session.commit()
    flash(_("The termination is scheduled."), "success")
    return redirect(url_for("isp.admin_termination", contract_id=contract.id))


def _day(text: str) -> date | None:
    """The day as the date field sends it (YYYY-MM-DD) or as typed by hand (DD.MM.YYYY)."""
    text = (text or "").strip()
    if "." in text:
        try:
            return parse_day(datetime.strptime(text, "%d.%m.%Y").date().isoformat())
        except ValueError:
            return None
    return parse_day(text)


@web.post("/admin/contracts/<int:contract_id>/termination/cancel")
@require(PERMISSION)
def admin_termination_cancel(contract_id: int):
    """Cancel the scheduled termination: the services run on."""
    contract = get_or_404(Contract, contract_id)
    try:
        service.cancel(contract)
    except Refused as refused:
        session.rollback()
        flash(" ".join(r.message for r in refused.reasons), "error")
    else:
        session.commit()
        flash(_("The termination is cancelled; the services run on."), "success")
    return redirect(url_for("isp.admin_termination", contract_id=contract.id))


@web.post("/admin/contracts/<int:contract_id>/termination/close")
@require(PERMISSION)
def admin_termination_close(contract_id: int):
    """Close the contract now when its last day has passed (what the hourly job would do)."""
    contract = get_or_404(Contract, contract_id)
    termination = open_termination(contract)
    if termination is None or not service.finalize(current_tenant(), termination):
        flash(_("The contract can be closed only after its last day of service."), "error")
    else:
        flash(_("The contract is closed; the final charge is made."), "success")
    return redirect(url_for("isp.admin_termination", contract_id=contract.id))
