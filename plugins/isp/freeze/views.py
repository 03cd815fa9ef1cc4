"""The subscriber's voluntary-block page: the rules up front, a quote, then confirm; end or cancel.

One URL, ``isp.freeze`` (``/isp/freeze``): GET shows the current or planned block (with "end now" or
"cancel" where allowed) or the form; POST carries ``action`` = ``quote`` (show what will happen),
``confirm`` (start it), or ``end`` (end or cancel it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, fields

from core.api import (
    Refused,
    Text,
    current_account,
    current_principal,
    current_tenant,
    parse_day,
    read_form,
    require,
    session,
)
from plugins.isp.common.blueprints import web
from plugins.isp.common.calendar import tenant_today
from plugins.isp.contracts.service import contract_of
from plugins.isp.contracts.state import open_freeze
from plugins.isp.freeze import service as freezes
from plugins.isp.models import ACTIVE, SCHEDULED

# Reasons that stand whatever dates are chosen: shown instead of the form.
STANDING = (freezes.DISABLED, freezes.LEGAL_ENTITY, freezes.BLOCKED_FOR_DEBT, freezes.LOW_BALANCE)


class FreezeInput(Schema):
    """The block forms as the browser sends them; ``read_period`` and the service decide what they mean."""

    action = Text(20)
    starts_on = Text(20)
    ends_on = Text(20)
    days = Text(10)
    reason = Text(1000)
    waive_fee = fields.Boolean(load_default=False)
    next = Text(20)


@dataclass
class PeriodInput:
    """The dates a subscriber typed, with the errors found reading them."""

    starts_on: date | None
    ends_on: date | None
    days_text: str
    errors: dict[str, str]


def read_period(form: Mapping[str, Any], today: date) -> PeriodInput:
    """``starts_on`` (ISO date) and either ``days`` or ``ends_on`` from a submitted form."""
    errors: dict[str, str] = {}
    starts_on = _date(form.get("starts_on", ""))
    if starts_on is None:
        errors["starts_on"] = _("Enter the first day as a date.")
    ends_on = _date(form.get("ends_on", ""))
    days_text = form.get("days", "").strip()
    if ends_on is None and starts_on is not None:
        try:
            days = int(days_text) if days_text.isascii() and days_text.isdigit() else 0
            ends_on = starts_on + timedelta(days=days - 1) if 0 < days <= 3650 else None
        except OverflowError:  # a first day near the end of the calendar
            ends_on = None
        if ends_on is None:
            errors["days"] = _("Enter the number of days.")
    return PeriodInput(starts_on, ends_on, days_text, errors)


def _date(text: str) -> date | None:
    return parse_day(text)


@web.route("/freeze", methods=["GET", "POST"])
@require("isp.use")
def freeze():
    """The voluntary block: rules, current block, form, quote and confirm."""
    tenant = current_tenant()
    contract = contract_of(current_account())
    if contract is None:
        return render_template("isp/freeze/freeze_none.html")
    today = tenant_today(tenant)
    if request.method == "POST":
        submitted = read_form(FreezeInput()).values
        action = submitted.get("action") or "quote"
        if action == "end":
            return _end(tenant, contract, today)
        period = read_period(submitted, today)
        if period.errors:
            return _page(tenant, contract, today, period=period), 422
        if action == "confirm":
            return _confirm(tenant, contract, today, period)
        quoted = freezes.quote(tenant, contract, period.starts_on, period.ends_on, today)
        return render_template(
            "isp/freeze/freeze_quote.html", quote=quoted, contract=contract, rules=freezes.rules(tenant)
        )
    return _page(tenant, contract, today)


def _confirm(tenant, contract, today: date, period: PeriodInput):
    try:
        started = freezes.start(tenant, contract, current_principal(), period.starts_on, period.ends_on, today)
    except Refused as refused:
        session.rollback()
        quoted = freezes.quote(tenant, contract, period.starts_on, period.ends_on, today)
        return render_template(
            "isp/freeze/freeze_quote.html",
            quote=quoted,
            contract=contract,
            rules=freezes.rules(tenant),
            refused=refused.reasons,
        ), 409
    session.commit()
    if started.status == ACTIVE:
        flash(_("Your services are frozen until %(day)s.", day=_long(started.ends_on)), "info")
    else:
        flash(
            _(
                "The voluntary block is planned from %(first)s to %(last)s.",
                first=_long(started.starts_on),
                last=_long(started.ends_on),
            ),
            "info",
        )
    return redirect(url_for("isp.freeze"))


def _end(tenant, contract, today: date):
    try:
        ended = freezes.end(tenant, contract, current_principal(), today)
    except Refused as refused:
        session.rollback()
        for reason in refused.reasons:
            flash(reason.message, "error")
        return redirect(url_for("isp.freeze"))
    session.commit()
    if ended.status == freezes.CANCELLED:
        flash(_("The planned voluntary block is cancelled."), "info")
    else:
        flash(_("Your services are active again."), "info")
    return redirect(url_for("isp.freeze"))


def _page(tenant, contract, today: date, period: PeriodInput | None = None):
    r = freezes.rules(tenant)
    current = open_freeze(contract)
    status = freezes.shown_status(current, today) if current is not None else None
    end_refusal = None
    if status == ACTIVE:
        end_refusal = freezes.self_unfreeze_refusal(tenant, current, today)
    earliest = freezes.earliest_start(tenant, contract, today)
    standing: list = []
    if current is None:
        probe = freezes.quote(tenant, contract, earliest, earliest + timedelta(days=r.min_days - 1), today)
        standing = [reason for reason in probe.reasons if reason.code in STANDING]
    return render_template(
        "isp/freeze/freeze.html",
        contract=contract,
        rules=r,
        current=current,
        status=status,
        end_refusal=end_refusal,
        earliest=earliest,
        latest=today + timedelta(days=r.max_start_ahead_days),
        standing=standing,
        period=period,
        today=today,
        SCHEDULED=SCHEDULED,
        ACTIVE=ACTIVE,
    )


def _long(day: date) -> str:
    from flask_babel import format_date

    return format_date(day, "d MMMM y")
