"""The month's billing run as a background task: an operator starts it, its page shows the flats gone through."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from core.api import N_, BackgroundAction, Progress, current_tenant, format_money
from plugins.housing.accruals.run import RunResult, billed_flats, run_period
from plugins.housing.penalties.posting import post_penalties

BILLING_ACTION = "housing.billing_run"
PERMISSION = "housing.billing.run"


def run_billing(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Accrue the month ``params["period"]`` (``YYYY-MM``) for the current tenant, committing each chunk of flats."""
    period = date.fromisoformat(f"{params['period']}-01")
    flats = billed_flats()
    progress.advance(0, flats)

    def report(result: RunResult) -> None:
        progress.advance(result.flats, flats)  # commits the chunk with the progress

    result = run_period(period, on_chunk=report)
    penalties = post_penalties(current_tenant(), period)
    return {
        "period": params["period"],
        "lines": result.lines,
        "total": result.total,
        "flats": result.flats,
        "penalties": penalties,
    }


def describe_billing(figures: dict[str, Any]) -> str:
    """The run's result in the reader's language."""
    year, month = (int(part) for part in str(figures.get("period", "1970-01")).split("-"))
    when = format_date(date(year, month, 1), "LLLL y")
    if not figures.get("lines"):
        said = _("%(month)s: nothing more to accrue — every flat is billed for this month.", month=when)
    else:
        said = _(
            "%(month)s: %(lines)s accrual line(s) for %(total)s.",
            month=when,
            lines=figures["lines"],
            total=format_money(figures.get("total", 0)),
        )
    if figures.get("penalties"):
        said += " " + _("Penalties posted: %(amount)s.", amount=format_money(figures["penalties"]))
    return said


def background_actions() -> list[BackgroundAction]:
    return [BackgroundAction(BILLING_ACTION, N_("Billing run for a month"), run_billing, PERMISSION, describe_billing)]
