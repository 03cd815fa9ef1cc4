"""Words for the billing run's lines in the money history and the receipt (the ``operation_title`` hook) and the
company's service names by code (the ``service_titles`` hook: a history line's service is its title, never its code)."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date, gettext
from sqlalchemy import select

from core.api import Operation, Tenant, request_memo, session
from plugins.housing.accruals.run import KIND
from plugins.housing.models import HousingService


def service_titles() -> dict[str, str]:
    """The tenant's service titles by code, read once per request (core's request memo)."""
    return request_memo(
        "housing.service_titles",
        lambda: {code: title for code, title in session.execute(select(HousingService.code, HousingService.title))},
    )


def accrual_title(tenant: Tenant, operation: Operation) -> str | None:
    """ "Accrual: Cold water, November 2026" (a refund when negative); ``None`` for lines housing did not post."""
    if operation.kind != KIND:
        return None
    service = service_titles().get(operation.service or "", operation.service or "")
    month = ""
    if operation.period:
        year, number = (int(part) for part in operation.period.split("-")[:2])
        month = format_date(date(year, number, 1), "LLLL y")
    if operation.amount > 0:
        return gettext("Recalculation: %(service)s, %(month)s", service=service, month=month)
    return gettext("Accrual: %(service)s, %(month)s", service=service, month=month)
