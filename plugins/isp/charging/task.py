"""The operator's charge run as a background task: the page queues it and shows its progress per chunk."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from core.api import N_, BackgroundAction, Progress, current_tenant, format_money, utcnow
from plugins.isp.charging.service import ChargeResult, charge_day

CHARGE_ACTION = "isp.charge_day"
OPERATOR_TRIGGER = "operator"


def run_charge(params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """Charge the day ``params["day"]`` for the current tenant, reporting each committed chunk."""
    day = date.fromisoformat(params["day"])

    def report(result: ChargeResult) -> None:
        progress.advance(result.seen, result.due)

    result = charge_day(current_tenant(), day, trigger=OPERATOR_TRIGGER, now=utcnow(), on_chunk=report)
    return {"day": day.isoformat(), "charges": result.charges, "total": result.total, "blocked": result.blocked}


def describe_charge(figures: dict[str, Any]) -> str:
    """The run's result in the reader's language."""
    day = figures.get("day", "")
    if not figures.get("charges"):
        return _("%(day)s: nothing more to charge — every service was charged for this day.", day=day)
    return _(
        "%(day)s: %(count)s charge(s) posted for %(total)s; %(blocked)s contract(s) blocked for debt.",
        day=day,
        count=figures["charges"],
        total=format_money(figures.get("total", 0)),
        blocked=figures.get("blocked", 0),
    )


def background_actions() -> list[BackgroundAction]:
    return [
        BackgroundAction(
            CHARGE_ACTION,
            N_("Charge run for a day"),
            run_charge,
            permission="isp.charges.run",
            describe=describe_charge,
        )
    ]
