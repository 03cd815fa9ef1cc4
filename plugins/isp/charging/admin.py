"""Operator page of the daily charge: recent runs, and a form to preview or run the charge for a day."""

from __future__ import annotations

from datetime import date

from flask import redirect, render_template
from flask_babel import gettext as _
from flask_babel import pgettext
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from core.api import (
    FormInput,
    Text,
    can,
    csv_response,
    current_tenant,
    money_cell,
    read_form,
    require,
    session,
    start_task,
    task_url,
)
from plugins.isp.charging.service import ChargeResult, charge_day
from plugins.isp.charging.task import CHARGE_ACTION, OPERATOR_TRIGGER
from plugins.isp.common.blueprints import web
from plugins.isp.common.calendar import tenant_today
from plugins.isp.models import ChargeRun

CSV_LIMIT = 100_000

RECENT_RUNS = 50


def charge_input() -> Schema:
    """The day to preview or charge (the tenant's today at the latest), and which button was pressed."""
    today = tenant_today(current_tenant())

    class ChargeInput(Schema):
        day = fields.Date(
            required=True,
            validate=validate.Range(max=today, error=_("A day that has not begun yet cannot be charged.")),
        )
        action = Text(20)

    return ChargeInput()


def trigger_label(trigger: str) -> str:
    """Who started a run, in words."""
    labels = {"job": _("schedule"), "cli": _("command line"), OPERATOR_TRIGGER: _("operator")}
    return labels.get(trigger, trigger)


def duration(run: ChargeRun) -> str:
    """How long a run took ("—" for one that did not finish: it was stopped or is still running)."""
    if run.finished_at is None:
        return "—"
    return _("%(seconds).1f s", seconds=(run.finished_at - run.started_at).total_seconds())


def _page(form: FormInput, preview: ChargeResult | None = None, status: int = 200):
    runs = list(session.scalars(select(ChargeRun).order_by(ChargeRun.id.desc()).limit(RECENT_RUNS)))
    return (
        render_template(
            "isp/charging/admin/charges.html",
            runs=runs,
            form=form,
            preview=preview,
            can_run=can("isp.charges.run"),
            trigger_label=trigger_label,
            duration=duration,
        ),
        status,
    )


@web.get("/admin/charges.csv")
@require("isp.charges.view")
def admin_charges_csv():
    """Every charge run as a spreadsheet, newest first."""
    runs = session.scalars(select(ChargeRun).order_by(ChargeRun.id.desc()).limit(CSV_LIMIT))
    started_by = pgettext("charge run", "Started by")
    header = [_("Day"), _("Charges"), _("Total, ₽"), _("Blocked for debt"), started_by, _("Duration")]
    return csv_response(
        "charge-runs.csv",
        header,
        (
            (r.day.isoformat(), r.charges, money_cell(r.total), r.blocked, trigger_label(r.trigger), duration(r))
            for r in runs
        ),
    )


@web.get("/admin/charges")
@require("isp.charges.view")
def admin_charges():
    return _page(FormInput.blank({"day": tenant_today(current_tenant()).isoformat()}))


@web.post("/admin/charges")
@require("isp.charges.run")
def admin_charges_run():
    form = read_form(charge_input())
    if not form.ok:
        return _page(form, status=422)
    day: date = form.data["day"]
    if form.data["action"] == "preview":
        return _page(form, charge_day(current_tenant(), day, dry_run=True, trigger=OPERATOR_TRIGGER))
    task = start_task(CHARGE_ACTION, {"day": day.isoformat()})
    session.commit()
    return redirect(task_url(task))
