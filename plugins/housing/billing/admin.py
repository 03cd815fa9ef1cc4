"""The operator's billing page, ``housing.admin_billing``: start the month's billing run as a background task.

The run is idempotent per account, service and month: starting it again bills only what was not billed yet
(flats added since, readings that came late are trued up next month).
"""

from __future__ import annotations

from datetime import date

from flask import redirect, render_template
from marshmallow import Schema, ValidationError, fields, validates

from core.api import N_, FormInput, read_form, require, session, start_task, task_url
from plugins.housing.billing.task import BILLING_ACTION, PERMISSION
from plugins.housing.common import clock
from plugins.housing.common.blueprints import web


class BillingForm(Schema):
    """The month to bill, as ``YYYY-MM`` (the browser's month picker sends that)."""

    period = fields.String(required=True)

    @validates("period")
    def _month(self, value: str, **_kw) -> None:
        try:
            month = date.fromisoformat(f"{value.strip()}-01")
        except ValueError:
            raise ValidationError(N_("Enter the month as YYYY-MM, e.g. 2026-11.")) from None
        if month > clock.today():
            raise ValidationError(N_("This month has not begun yet."))


def _page(form: FormInput, status: int = 200):
    return render_template("housing/billing/admin.html", form=form), status


@web.get("/admin/billing")
@require(PERMISSION)
def admin_billing():
    """The form: which month to bill (this month by default)."""
    return _page(FormInput.blank({"period": clock.today().strftime("%Y-%m")}))


@web.post("/admin/billing")
@require(PERMISSION)
def admin_billing_run():
    """Queue the run and show its progress page."""
    form = read_form(BillingForm())
    if not form.ok:
        return _page(form, 422)
    task = start_task(BILLING_ACTION, {"period": form.data["period"].strip()})
    session.commit()
    return redirect(task_url(task))
