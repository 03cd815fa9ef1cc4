"""Operator pages for voluntary blocks: the list of planned and running ones; freeze or unfreeze a contract.

Staff act on a subscriber's request, so the subscriber's limits (cooldown, minimum balance, min/max
days, how far ahead, self-unfreeze rules, legal entity, debt block) do not bind them; see
:mod:`plugins.isp.freeze.service`. Every action needs a reason and is audited (``isp.freeze.start`` /
``isp.freeze.end`` with ``by_staff`` and the reason).
"""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.api import Refused, current_principal, current_tenant, get_or_404, read_form, require, session
from plugins.isp.common.blueprints import web
from plugins.isp.common.calendar import tenant_today
from plugins.isp.contracts.state import open_freeze
from plugins.isp.freeze import service as freezes
from plugins.isp.freeze.views import FreezeInput, read_period
from plugins.isp.models import ACTIVE, CANCELLED, FINISHED, SCHEDULED, Contract, Freeze

RECENT = 30


@web.get("/admin/freezes")
@require("isp.freezes.manage")
def admin_freezes():
    """Planned and running voluntary blocks, and the most recently ended ones."""
    today = tenant_today(current_tenant())
    open_rows = list(
        session.scalars(
            select(Freeze).where(Freeze.status.in_((SCHEDULED, ACTIVE))).order_by(Freeze.starts_on, Freeze.id)
        )
    )
    recent = list(
        session.scalars(
            select(Freeze).where(Freeze.status.in_((FINISHED, CANCELLED))).order_by(Freeze.id.desc()).limit(RECENT)
        )
    )
    return render_template(
        "isp/freeze/admin/freezes.html",
        open_rows=open_rows,
        recent=recent,
        today=today,
        shown_status=freezes.shown_status,
    )


@web.get("/admin/contracts/<int:contract_id>/freeze")
@require("isp.freezes.manage")
def admin_freeze_form(contract_id: int):
    """Freeze a contract (dates, reason) or end its block — the page the contract page links to."""
    contract = get_or_404(Contract, contract_id)
    return _form_page(contract)


def _form_page(contract: Contract, period=None, reason: str = "", errors: dict | None = None, status: int = 200):
    today = tenant_today(current_tenant())
    current = open_freeze(contract)
    history = list(
        session.scalars(
            select(Freeze).where(Freeze.contract_id == contract.id).order_by(Freeze.id.desc()).limit(RECENT)
        )
    )
    rules = freezes.rules(current_tenant())
    return render_template(
        "isp/freeze/admin/freezes_form.html",
        contract=contract,
        current=current,
        status=freezes.shown_status(current, today) if current else None,
        history=history,
        rules=rules,
        today=today,
        default_end=today + timedelta(days=rules.min_days - 1),
        period=period,
        reason=reason,
        errors=errors or {},
        shown_status=freezes.shown_status,
    ), status


@web.post("/admin/contracts/<int:contract_id>/freeze")
@require("isp.freezes.manage")
def admin_freeze(contract_id: int):
    """Start (or plan) a voluntary block for a contract on the subscriber's behalf."""
    contract = get_or_404(Contract, contract_id)
    submitted = read_form(FreezeInput()).values
    today = tenant_today(current_tenant())
    period = read_period(submitted, today)
    reason = submitted.get("reason", "")
    errors = dict(period.errors)
    if not reason:
        errors["reason"] = _("Enter the reason.")
    if errors:
        return _form_page(contract, period, reason, errors, 422)
    try:
        freezes.start(
            current_tenant(),
            contract,
            current_principal(),
            period.starts_on,
            period.ends_on,
            today,
            by_staff=True,
            waive_fee=bool(submitted.get("waive_fee")),
            reason=reason,
        )
    except Refused as refused:
        session.rollback()
        errors["refused"] = refused.messages
        return _form_page(contract, period, reason, errors, 409)
    session.commit()
    flash(_("Contract %(number)s: voluntary block saved.", number=contract.number), "info")
    return redirect(url_for("isp.admin_freeze_form", contract_id=contract.id))


@web.post("/admin/contracts/<int:contract_id>/unfreeze")
@require("isp.freezes.manage")
def admin_unfreeze(contract_id: int):
    """End a contract's running block today, or cancel its planned one."""
    contract = get_or_404(Contract, contract_id)
    submitted = read_form(FreezeInput()).values
    reason = submitted.get("reason", "")
    if not reason:
        flash(_("Enter the reason."), "error")
        return redirect(url_for("isp.admin_freeze_form", contract_id=contract.id))
    try:
        ended = freezes.end(
            current_tenant(),
            contract,
            current_principal(),
            tenant_today(current_tenant()),
            by_staff=True,
            reason=reason,
        )
    except Refused as refused:
        session.rollback()
        for r in refused.reasons:
            flash(r.message, "error")
    else:
        session.commit()
        if ended.status == CANCELLED:
            flash(_("Contract %(number)s: the planned block is cancelled.", number=contract.number), "info")
        else:
            flash(_("Contract %(number)s: services are active again.", number=contract.number), "info")
    if submitted.get("next") == "list":
        return redirect(url_for("isp.admin_freezes"))
    return redirect(url_for("isp.admin_freeze_form", contract_id=contract.id))
